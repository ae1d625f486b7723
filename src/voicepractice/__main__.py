"""``python -m voicepractice``."""

from .cli import main

main()
