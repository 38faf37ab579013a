"""The web app: upload a call, watch it become a plan, refine it in a chat, export it.

Three small modules, so the product logic stays out of the UI:
  views.py     Draft -> what the page shows (pure functions, no gradio)
  handlers.py  one function per user action; calls jobs / store / chat / plan_ops / export
  ui.py        the gradio layout and wiring (the only module that imports gradio)
`python app.py` runs `ui.main()`; `python -m assistant.web.bench` times each action.
"""

import os

# Before gradio is imported anywhere: nothing phones home.
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
