"""One small family of errors, so every interface (CLI, web, Slack) can map them to its own form.

InputError: the user gave us something we cannot use (say what and what to do).
ConfigError: the installation or configuration is wrong (missing model, bad URL).
BackendError: an external thing failed (speech model, LLM, index, database).
"""


class CallplanError(Exception):
    """Base class: the message is one line a user can act on."""

    exit_code = 1


class InputError(CallplanError):
    exit_code = 2


class ConfigError(CallplanError):
    exit_code = 3


class BackendError(CallplanError):
    exit_code = 4
