#!/usr/bin/env python3
"""Writes the help, from "Usage:" on, into README.md's "## Options" block.

Usage: dotnet SecureChat.Tui/bin/Debug/net10.0/SecureChat.Tui.dll --help | tools/readme-options.py
(HelpTextTests fails while the block and --help differ.)
"""
import pathlib
import sys

help_text = sys.stdin.read()
usage = help_text[help_text.index("Usage:"):].rstrip("\n") + "\n"
readme = pathlib.Path(__file__).resolve().parent.parent / "README.md"
text = readme.read_text(encoding="utf-8")
section = text.index("## Options")
start = text.index("```\n", section) + len("```\n")
end = text.index("```\n", start)
readme.write_text(text[:start] + usage + text[end:], encoding="utf-8")
