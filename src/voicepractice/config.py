"""The user's settings: a small TOML file in the platform's config directory.

Command-line options override it; it overrides the built-in defaults. Every
key is optional::

    input = "USB Headset"        # microphone, name or index (voicepractice devices)
    output = 3                   # speaker/headphones
    voice = "heart"              # the natural voice (default); "system" or an id from `voicepractice voices`
    rate = 160
    line = "phone"               # or "clean"
    model = "tiny.en"
    scenario = "phone_screen"
    silence = 2.5
    interviewer = "Dana"
    company = "Acme"
    role = "data engineer"
    strengths = ["five years of data pipelines", "led the cloud migration"]
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any

from .errors import ProfileError
from .files import read_user_text, write_private

KEYS: dict[str, type | tuple[type, ...]] = {
    "input": (str, int),
    "output": (str, int),
    "voice": str,
    "rate": int,
    "line": str,
    "model": str,
    "scenario": str,
    "silence": (int, float),
    "interviewer": str,
    "company": str,
    "role": str,
    "strengths": list,
    "country": str,  # public holidays the follow-up plan skips (US, GB, DE...); default: the locale's
}
# Which commands each key is a default for (click's default_map).
COMMANDS: dict[str, tuple[str, ...]] = {
    "drill": tuple(k for k in KEYS if k != "country"),
    "followup": ("country",),
    "check": ("model", "company", "role", "strengths"),
    "doctor": ("input", "output", "model", "voice"),
    "replay": ("output",),
}


def config_path() -> Path:
    """``VOICEPRACTICE_CONFIG``, else ``config.toml`` in the user's config directory."""
    env = os.environ.get("VOICEPRACTICE_CONFIG")
    if env:
        return Path(env).expanduser()
    from platformdirs import user_config_dir

    return Path(user_config_dir("voicepractice", appauthor=False)) / "config.toml"


def load_config(path: Path | None = None) -> dict[str, Any]:
    """The settings in the config file ({} when there is none); ProfileError when it is malformed."""
    p = path or config_path()
    try:
        data = tomllib.loads(read_user_text(p))
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise ProfileError(f"config file {p}: cannot read it ({exc.strerror or exc}); fix or delete it") from exc
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ProfileError(f"config file {p}: {exc}; fix or delete it") from exc
    for key, value in data.items():
        if key not in KEYS:
            raise ProfileError(f"config file {p}: unknown setting {key!r}; known: {', '.join(KEYS)}")
        if not isinstance(value, KEYS[key]) or isinstance(value, bool):
            raise ProfileError(f"config file {p}: {key!r} has the wrong type ({type(value).__name__})")
    if not all(isinstance(s, str) for s in data.get("strengths", [])):
        raise ProfileError(f"config file {p}: 'strengths' must be a list of text")
    return data


def default_map(config: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Config values as click defaults, per command."""
    rename = {"input": "input_device", "output": "output_device", "strengths": "strengths"}
    out: dict[str, dict[str, Any]] = {}
    for command, keys in COMMANDS.items():
        values = {rename.get(k, k): config[k] for k in keys if k in config}
        if "input_device" in values:
            values["input_device"] = str(values["input_device"])
        if "output_device" in values:
            values["output_device"] = str(values["output_device"])
        if values:
            out[command] = values
    return out


def save_settings(updates: dict[str, Any], path: Path | None = None) -> Path:
    """Set ``updates`` in the config file (written atomically, user-only).

    The file is edited, not rewritten: the person's comments, order and other settings stay as
    they wrote them (tomlkit keeps them; tomllib would drop every comment).
    """
    import tomlkit

    p = path or config_path()
    load_config(p)  # refuse a malformed file, as a drill would, before changing it
    try:
        doc = tomlkit.parse(read_user_text(p))
    except FileNotFoundError:
        doc = tomlkit.document()
    except OSError as exc:
        raise ProfileError(f"cannot read {p}: {exc.strerror or exc}") from exc
    for key, value in updates.items():
        if value is not None:
            doc[key] = value
    try:
        p.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        return write_private(p, tomlkit.dumps(doc).encode("utf-8"))
    except OSError as exc:
        raise ProfileError(f"cannot save the setting in {p}: {exc.strerror or exc}; set VOICEPRACTICE_CONFIG to a writable file") from exc
