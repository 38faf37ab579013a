"""Start the callplan web app: `python app.py` (host/port from CALLPLAN_HOST / CALLPLAN_PORT)."""

from assistant.web.ui import main

if __name__ == "__main__":
    main()
