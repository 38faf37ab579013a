"""The gradio page: layout and wiring only. Every event calls one function in handlers.py
and shows the Page it returns; our errors become a one-line gr.Error, never a traceback.

Safety, set here on purpose: analytics off, no web fonts (nothing leaves the machine), the
upload size limit and accepted types, optional login (CALLPLAN_AUTH=user:password), files
served only from the data dir's calls/ folder (for the audio player) and gradio's own cache,
which we keep inside the data dir too, and a queue that lets 4 calls be drafted at once
while chats and edits stay responsive.
"""

import functools
import logging
import os
from typing import Callable, Optional

from . import handlers  # noqa: F401  (also sets GRADIO_ANALYTICS_ENABLED=False via the package)
from ..config import Settings, get_settings
from ..errors import CallplanError, ConfigError
from .handlers import ACCEPTED, Page, Session
from .views import DEPENDENCY_HEADERS, MEASURE_HEADERS, MILESTONE_HEADERS

log = logging.getLogger("callplan.web")

DRAFT_CONCURRENCY = 4  # calls being drafted at once (each runs the speech model on up to 2 threads)
LIGHT_CONCURRENCY = 16  # chat, edits, role fixes: quick, so they never wait behind drafts

CSS = """
.gradio-container { max-width: 1440px !important; margin: auto; }
#cp-header { padding: 6px 4px 0 4px; }
#cp-header h1 { margin: 0; font-size: 1.7rem; }
#cp-header p { margin: 2px 0 0 0; color: var(--body-text-color-subdued); }
.cp-card { border: 1px solid var(--border-color-primary); border-radius: 12px; padding: 14px !important;
           background: var(--block-background-fill); }
.cp-card h3 { margin-top: 0; }
#cp-status { min-height: 64px; }
#cp-status h3 { margin: 0 0 2px 0; font-size: 1.35rem; }
#cp-goal textarea { font-size: 1.08rem; font-weight: 600; }
.cp-side h3 { margin: 0 0 4px 0; font-size: 1rem; }
.cp-evidence h4 { margin: 14px 0 4px 0; }
.cp-quotes { list-style: none; padding-left: 0; margin: 0; }
.cp-quotes li { margin: 6px 0; line-height: 1.45; }
.cp-quotes q { font-style: italic; }
.cp-who, .cp-muted, .cp-time, .cp-role { color: var(--body-text-color-subdued); font-size: 0.9em; }
.cp-seek { border: 1px solid var(--border-color-primary); border-radius: 999px; padding: 0 8px; margin-right: 4px;
           background: var(--button-secondary-background-fill); cursor: pointer; font-size: 0.85em; }
.cp-seek:hover { background: var(--button-secondary-background-fill-hover); }
.cp-transcript { max-height: 560px; overflow-y: auto; }
.cp-transcript audio, .cp-evidence audio { width: 100%; margin-bottom: 8px; }
.cp-sugg { margin: 0 0 12px 0; line-height: 1.4; }
.cp-why { color: var(--body-text-color-subdued); font-size: 0.88em; margin: 2px 0; }
.cp-sugg details { font-size: 0.88em; }
.cp-sugg summary { cursor: pointer; color: var(--link-text-color); }
.cp-card table, .cp-card table * { font-family: var(--font) !important; }
.cp-actions { align-items: center; }
.cp-dl-label { flex: 0 0 auto !important; min-width: 0 !important; }
.cp-hint { padding: 0 10px; }
.cp-seg { padding: 6px 10px; margin: 4px 0; border-left: 4px solid var(--border-color-primary); }
.cp-seg.cp-customer { border-left-color: #4f46e5; background: rgba(79, 70, 229, 0.05); }
.cp-seg.cp-vendor { border-left-color: #9ca3af; }
.cp-seg.cp-unknown { border-left-color: #f59e0b; }
"""

# Click a ▶ time in the quotes or transcript: the player beside it plays from that moment.
SEEK_JS = """
element.addEventListener('click', (e) => {
  const b = e.target.closest('[data-seek]');
  if (!b) return;
  const a = element.querySelector('audio');
  if (!a) return;
  a.currentTime = parseFloat(b.dataset.seek);
  a.play().catch(() => {});
});
"""

INTRO = """<div id="cp-header"><h1>callplan</h1>
<p>A discovery call in, a one-page success plan out, in the customer's own words.</p></div>"""

PAGE_FIELDS = [
    "session", "status", "goal", "measures", "milestones", "dependencies", "review", "critique", "questions",
    "suggestions", "suggestion_choices", "evidence", "transcript", "speakers", "chat", "chat_input", "history",
    "download_md", "download_docx", "download_pdf", "versions",
]


def guarded(fn: Callable) -> Callable:
    """Our errors -> one-line gr.Error; anything else -> a generic message (details in the log)."""
    import gradio as gr

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except CallplanError as e:
            raise gr.Error(str(e), print_exception=False) from None
        except gr.Error:
            raise
        except Exception:
            log.exception("web action %s failed", fn.__name__)
            raise gr.Error("Something went wrong on the server (the details are in its log); please try again.",
                           print_exception=False) from None

    return wrapper


def _author(request) -> str:
    return getattr(request, "username", None) or "web"


def show(page: Page) -> tuple:
    """A Page -> one value per output in PAGE_FIELDS order; None leaves a component as it is."""
    import gradio as gr

    for text in page.info:
        gr.Info(text, duration=5)
    if page.warning:
        gr.Warning(page.warning)
    values = {f: getattr(page, f, None) for f in PAGE_FIELDS}
    if page.suggestion_choices is not None:
        values["suggestion_choices"] = gr.update(choices=page.suggestion_choices, value=None)
    if page.history is not None:
        values["history"] = gr.update(choices=page.history)
    for fmt, path in zip(("md", "docx", "pdf"), page.downloads or []):
        values[f"download_{fmt}"] = gr.update(value=str(path), interactive=True)
    return tuple(gr.skip() if v is None else v for v in values.values())


def theme():
    import gradio as gr

    system = ["ui-sans-serif", "system-ui", "-apple-system", "Segoe UI", "Roboto", "sans-serif"]
    mono = ["ui-monospace", "SFMono-Regular", "Menlo", "monospace"]
    return gr.themes.Soft(primary_hue="indigo", secondary_hue="slate", font=system, font_mono=mono)


def build(settings: Optional[Settings] = None):
    """The Blocks app (not launched)."""
    import gradio as gr

    settings = settings or get_settings()
    with gr.Blocks(title="callplan", analytics_enabled=False) as demo:
        session = gr.State(None)
        speakers = gr.State([])
        gr.HTML(INTRO)
        with gr.Row(equal_height=False):
            # ---------------------------------------------------------- left: new call + history
            with gr.Column(scale=1, min_width=280):
                with gr.Column(elem_classes="cp-card"):
                    gr.Markdown("### New call")
                    upload = gr.File(
                        label="Recording or transcript",
                        file_types=ACCEPTED, type="filepath", elem_id="cp-upload", height=120,
                    )
                    gr.Markdown(f"<small>Audio (wav, mp3, m4a, mp4, webm, ogg, flac) or a transcript (txt, vtt, srt, json), "
                                f"up to {settings.max_upload_mb} MB.</small>", elem_classes="cp-hint")
                    notes = gr.Textbox(label="…or paste your notes", lines=3, max_lines=12, elem_id="cp-notes",
                                       placeholder="Dana (Acme): We need to cut onboarding from 6 weeks to 2…")
                    vendors = gr.Textbox(label="Vendor speakers (optional)", placeholder="Priya Shah, Tom",
                                         info="Your side of the call, comma separated", elem_id="cp-vendors")
                    call_date = gr.Textbox(label="Call date (optional)", placeholder="YYYY-MM-DD", elem_id="cp-call-date")
                    draft_btn = gr.Button("Draft the plan", variant="primary", elem_id="cp-draft")
                with gr.Column(elem_classes="cp-card"):
                    gr.Markdown("### Earlier calls")
                    history = gr.Dropdown(label="Reopen a call", choices=[], elem_id="cp-history")
                    with gr.Row():
                        open_btn = gr.Button("Open", size="sm", elem_id="cp-open")
                        refresh_btn = gr.Button("Refresh", size="sm")

            # ---------------------------------------------------------- right: the plan and its tools
            with gr.Column(scale=3):
                status = gr.Markdown("### No plan open yet\nUpload a call on the left, or reopen an earlier one.",
                                     elem_id="cp-status")
                with gr.Row(equal_height=False):
                    with gr.Column(scale=3, elem_classes="cp-card"):
                        goal = gr.Textbox(label="Goal", lines=2, max_lines=6, elem_id="cp-goal")
                        measures = gr.Dataframe(headers=MEASURE_HEADERS, datatype="str", type="array", label="Measures",
                                                interactive=True, wrap=True, column_widths=["60%", "20%", "20%"],
                                                elem_id="cp-measures")
                        milestones = gr.Dataframe(headers=MILESTONE_HEADERS, datatype="str", type="array",
                                                  label="Milestones", interactive=True, wrap=True,
                                                  column_widths=["22%", "78%"], elem_id="cp-milestones")
                        dependencies = gr.Dataframe(headers=DEPENDENCY_HEADERS, datatype="str", type="array",
                                                    label="Dependencies (who owes what)", interactive=True, wrap=True,
                                                    column_widths=["22%", "78%"], elem_id="cp-dependencies")
                        review = gr.Textbox(label="Review date", placeholder="YYYY-MM-DD", elem_id="cp-review")
                        with gr.Row(elem_classes="cp-actions"):
                            save_btn = gr.Button("Save changes", variant="primary", size="md", elem_id="cp-save")
                            undo_btn = gr.Button("Undo last change", size="md", elem_id="cp-undo")
                        with gr.Row(elem_classes="cp-actions"):
                            gr.Markdown("**Download**", elem_classes="cp-dl-label")
                            dl_md = gr.DownloadButton("Markdown", interactive=False, size="sm", elem_id="cp-dl-md")
                            dl_docx = gr.DownloadButton("Word (.docx)", interactive=False, size="sm", elem_id="cp-dl-docx")
                            dl_pdf = gr.DownloadButton("PDF", interactive=False, size="sm", elem_id="cp-dl-pdf")
                    with gr.Column(scale=2, elem_classes="cp-side"):
                        with gr.Column(elem_classes="cp-card"):
                            gr.Markdown("### Critique")
                            critique = gr.Markdown("", elem_id="cp-critique")
                        with gr.Column(elem_classes="cp-card"):
                            gr.Markdown("### Ask next time")
                            questions = gr.Markdown("", elem_id="cp-questions")
                        with gr.Column(elem_classes="cp-card"):
                            gr.Markdown("### Expertise to add")
                            suggestions = gr.Markdown("", elem_id="cp-suggestions")
                            with gr.Row(equal_height=True):
                                pick = gr.Dropdown(label="Practice", choices=[], scale=3, elem_id="cp-pick")
                                add_btn = gr.Button("Add to plan", size="sm", scale=1, elem_id="cp-add")
                with gr.Tabs():
                    with gr.Tab("Chat", id="chat"):
                        chatbot = gr.Chatbot(label="Ask about the call, or ask for a change", height=380,
                                             elem_id="cp-chat", feedback_options=None, buttons=["copy"])
                        with gr.Row(equal_height=True):
                            message = gr.Textbox(show_label=False, scale=5, elem_id="cp-message",
                                                 placeholder='"what did they say about budget?" · "add a milestone: pilot live by March 1"')
                            send = gr.Button("Send", variant="primary", scale=1, elem_id="cp-send")
                    with gr.Tab("What the customer said", id="quotes"):
                        evidence = gr.HTML("", js_on_load=SEEK_JS, elem_id="cp-evidence")
                    with gr.Tab("Transcript and roles", id="transcript"):
                        gr.Markdown("Wrong role? One click fixes it; the quotes and plan are drafted again.")

                        @gr.render(inputs=[speakers])
                        def role_buttons(spk):
                            for name, role, why in spk or []:
                                with gr.Row(equal_height=True, elem_classes="cp-speaker"):
                                    gr.Markdown(f"**{name}** — {role}" + (f" ({why})" if why else ""))
                                    for r in ("customer", "vendor"):
                                        b = gr.Button(f"is the {r}", size="sm", scale=0, interactive=role != r,
                                                      variant="primary" if role == r else "secondary")
                                        b.click(role_fix(name, r), [session], outputs, concurrency_limit=LIGHT_CONCURRENCY)

                        transcript = gr.HTML("", js_on_load=SEEK_JS, elem_id="cp-transcript")
                    with gr.Tab("Versions", id="versions"):
                        versions = gr.Markdown("", elem_id="cp-versions")

        outputs = [session, status, goal, measures, milestones, dependencies, review, critique, questions, suggestions,
                   pick, evidence, transcript, speakers, chatbot, message, history, dl_md, dl_docx, dl_pdf, versions]
        assert len(outputs) == len(PAGE_FIELDS)

        @guarded
        def on_draft(file, text, vendor_names, date, request: gr.Request, progress=gr.Progress()):
            return show(handlers.draft_call(file, text, vendor_names, date, report=progress, author=_author(request)))

        @guarded
        def on_open(call_id, progress=gr.Progress()):
            return show(handlers.open_call(call_id, report=progress))

        @guarded
        def on_save(s, g, m, ms, d, r, request: gr.Request):
            return show(handlers.save_plan(s, g, m, ms, d, r, author=_author(request)))

        @guarded
        def on_undo(s, request: gr.Request):
            return show(handlers.undo(s, author=_author(request)))

        @guarded
        def on_add(s, practice, request: gr.Request):
            return show(handlers.add_suggestion(s, practice, author=_author(request)))

        @guarded
        def on_ask(s, text, request: gr.Request):
            return show(handlers.ask(s, text, author=_author(request)))

        def role_fix(name: str, role: str):
            @guarded
            def on_role(s, request: gr.Request):
                return show(handlers.set_role(s, name, role, author=_author(request)))

            return on_role

        @guarded
        def on_history():
            return show(handlers.refresh_history())

        @guarded
        def on_load(request: gr.Request):
            """`/?plan=ID` (Slack's "Open in web app") opens that plan; any other visit lists the history."""
            return show(handlers.open_link(request.query_params.get("plan")))

        light = dict(outputs=outputs, concurrency_limit=LIGHT_CONCURRENCY)
        draft_btn.click(on_draft, [upload, notes, vendors, call_date], outputs, show_progress_on=[status],
                        concurrency_limit=DRAFT_CONCURRENCY, concurrency_id="draft")
        open_btn.click(on_open, [history], outputs, show_progress_on=[status],
                       concurrency_limit=DRAFT_CONCURRENCY, concurrency_id="draft")
        save_btn.click(on_save, [session, goal, measures, milestones, dependencies, review], show_progress="minimal", **light)
        undo_btn.click(on_undo, [session], show_progress="minimal", **light)
        add_btn.click(on_add, [session, pick], show_progress="minimal", **light)
        send.click(on_ask, [session, message], show_progress="minimal", **light)
        message.submit(on_ask, [session, message], show_progress="minimal", **light)
        refresh_btn.click(on_history, None, show_progress="hidden", **light)
        demo.load(on_load, None, show_progress_on=[status], **light)
    return demo


def auth(settings: Settings) -> Optional[tuple[str, str]]:
    if not settings.auth:
        return None
    user, sep, password = settings.auth.partition(":")
    if not sep or not user or not password:
        raise ConfigError("CALLPLAN_AUTH must be user:password (both non-empty); unset it to run without a login")
    return user, password


def prepare_environment(settings: Settings) -> None:
    """Before gradio is imported: analytics off, its upload/cache dir inside our data dir."""
    os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
    os.environ.setdefault("GRADIO_TEMP_DIR", str(settings.ensure_data_dir() / "gradio-cache"))


def launch(settings: Optional[Settings] = None, **kwargs):
    settings = settings or get_settings()
    prepare_environment(settings)
    login = auth(settings)
    calls_dir = settings.ensure_data_dir() / "calls"
    calls_dir.mkdir(exist_ok=True)
    demo = build(settings)
    demo.queue(default_concurrency_limit=DRAFT_CONCURRENCY)
    try:
        return demo.launch(
            server_name=settings.host,
            server_port=settings.port,
            auth=login,
            auth_message="callplan: sign in with the user and password set in CALLPLAN_AUTH." if login else None,
            max_file_size=f"{settings.max_upload_mb}mb",
            allowed_paths=[str(calls_dir)],  # the recordings, for the player; nothing else of ours
            show_error=False,
            footer_links=[],
            theme=theme(),
            css=CSS,
            **kwargs,
        )
    except OSError as e:  # gradio's "Cannot find empty port in range: P-P"
        if "Cannot find empty port" not in str(e):
            raise
        raise ConfigError(f"cannot listen on {settings.host}:{settings.port} (the port is in use, or the host is not an "
                          "address of this machine); choose another with --port/--host or CALLPLAN_PORT/CALLPLAN_HOST") from None


def main(host: Optional[str] = None, port: Optional[int] = None) -> None:
    """`python app.py` and `callplan web`: serve the web app on CALLPLAN_HOST:CALLPLAN_PORT
    (127.0.0.1:7860); host/port given here (the CLI's --host/--port) win over the environment."""
    import sys

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        settings = get_settings()
        chosen = {k: v for k, v in (("host", host), ("port", port)) if v is not None}
        launch(settings.model_copy(update=chosen) if chosen else settings)
    except CallplanError as e:
        print(f"error: {e}", file=sys.stderr)
        raise SystemExit(e.exit_code)
