"""Errors the command line turns into one ``Error: ...`` line and exit code 1.

Anything raised as a ``VoicePracticeError`` is a problem the user can act on;
its message says what happened and what to do. Anything else is a bug, shown
as a traceback only with ``--debug``.
"""

from __future__ import annotations


class VoicePracticeError(Exception):
    """Base class: a problem the user can fix, with a message saying how."""


class AudioFileError(VoicePracticeError):
    """An audio file is missing, unreadable, empty or not audio."""


class AudioDeviceError(VoicePracticeError):
    """No usable microphone or speaker, or the audio library is missing."""


class ModelError(VoicePracticeError):
    """The speech model cannot be found or loaded."""


class SpeechError(VoicePracticeError):
    """The text-to-speech engine is missing or failed."""


class ScenarioError(VoicePracticeError):
    """An interviewer script (prompts/*.toml) is malformed."""


class ProfileError(VoicePracticeError):
    """A profile or rubric file is malformed."""


class StoreError(VoicePracticeError):
    """The session store cannot be read or written, or a session does not exist."""


class SilentInputError(VoicePracticeError):
    """The capture holds no usable sound (muted or missing microphone)."""


class LanguageError(VoicePracticeError):
    """The answer does not sound like English, the language the coach checks."""
