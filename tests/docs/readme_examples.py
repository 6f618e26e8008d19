"""The README's console examples, read as a reader reads them: a command after `$ `, then what it printed.

A command runs on until its quotes close and it no longer ends with a backslash; its output is every line
after it up to the next `$ ` (trailing blank lines dropped). One placeholder is allowed in an output: a
time written `… s` stands for any number of seconds, because timings differ from run to run.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from pathlib import Path

PROMPT = "$ "
TIME_PLACEHOLDER = "… s"
"""Stands for a duration (`0.4 s`, `12 s`) in a shown output."""
_CONSOLE_BLOCK = re.compile(r"^```console\n(.*?)^```", re.M | re.S)


@dataclass(frozen=True)
class ConsoleExample:
    """One command of a ```console block and the output the README shows for it."""

    command: str
    expected: str
    line: int
    """The README line of the command's `$ `."""

    @property
    def program(self) -> str:
        return self.command.split(maxsplit=1)[0]

    @property
    def name(self) -> str:
        """A short id for the test report: the line and the command's first words."""
        words = " ".join(self.command.split()[:3])
        return f"line {self.line}: {words}"


def console_examples(readme: Path) -> list[ConsoleExample]:
    """Every command of every ```console block of `readme`, in order."""
    text = readme.read_text(encoding="utf-8")
    examples: list[ConsoleExample] = []
    for block in _CONSOLE_BLOCK.finditer(text):
        first_line = text.count("\n", 0, block.start(1)) + 1
        examples.extend(_block_examples(block.group(1).splitlines(), first_line=first_line, readme=readme))
    return examples


def _block_examples(lines: list[str], *, first_line: int, readme: Path) -> list[ConsoleExample]:
    if not lines or not lines[0].startswith(PROMPT):
        raise ValueError(f"{readme}:{first_line}: a console block must start with `{PROMPT}<command>`")
    examples = []
    index = 0
    while index < len(lines):
        start = index
        command_lines = [lines[index].removeprefix(PROMPT)]
        index += 1
        while not _complete("\n".join(command_lines)):
            if index == len(lines):
                raise ValueError(f"{readme}:{first_line + start}: the command never ends (an open quote?)")
            command_lines.append(lines[index])
            index += 1
        output: list[str] = []
        while index < len(lines) and not lines[index].startswith(PROMPT):
            output.append(lines[index])
            index += 1
        examples.append(
            ConsoleExample(
                command="\n".join(command_lines),
                expected=normalised("\n".join(output)),
                line=first_line + start,
            )
        )
    return examples


def _complete(command: str) -> bool:
    """Whether a shell command ends here: its quotes are closed and its last line is not continued."""
    if command.rstrip("\n").endswith("\\"):
        return False
    try:
        shlex.split(command)
    except ValueError:
        return False
    return True


def normalised(output: str) -> str:
    """An output as compared: line ends as `\\n`, no trailing spaces, no trailing blank lines."""
    lines = [line.rstrip() for line in output.replace("\r\n", "\n").split("\n")]
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines)


def matches(expected: str, actual: str) -> bool:
    """Whether `actual` is what `expected` shows, where each `… s` is any number of seconds."""
    pattern = r"\d+(?:\.\d+)? s".join(re.escape(part) for part in expected.split(TIME_PLACEHOLDER))
    return re.fullmatch(pattern, actual) is not None
