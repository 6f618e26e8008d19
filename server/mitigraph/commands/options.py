"""Click options generated from the Settings fields, so each setting is declared once (in settings.py)."""

from __future__ import annotations

import re
import typing
from collections.abc import Callable, Mapping
from dataclasses import MISSING, fields
from pathlib import Path
from typing import Any, TypeVar

import click

from mitigraph.settings import GIB, KIB, MIB, Settings, SettingsError, option_flag

F = TypeVar("F", bound=Callable[..., Any])

_UNITS = {"": 1, "k": KIB, "kib": KIB, "m": MIB, "mib": MIB, "g": GIB, "gib": GIB}
_SIZE = re.compile(r"(\d+)\s*([a-z]*)")


class ByteSize(click.ParamType):
    """A size in bytes: `1073741824`, `1GiB`, `512MiB`, `64KiB` (K, M, G are binary units too)."""

    name = "size"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        if isinstance(value, int):
            return value
        match = _SIZE.fullmatch(str(value).strip().lower())
        if match is None or match.group(2) not in _UNITS:
            self.fail(f"{value!r} is not a size: write a number of bytes, or e.g. 512MiB, 1GiB", param, ctx)
        return int(match.group(1)) * _UNITS[match.group(2)]


def _click_type(annotation: Any, *, byte_size: bool) -> Any:
    if byte_size:
        return ByteSize()
    if annotation is bool:
        return None
    for kind in (int, float):
        if annotation is kind:
            return kind
    arguments = [argument for argument in typing.get_args(annotation) if argument is not type(None)]
    if Path in arguments or annotation is Path:
        return click.Path(path_type=Path)
    return str


def settings_options(function: F) -> F:
    """Add one option per Settings field marked with `settings.option(...)`, in field order."""
    hints = typing.get_type_hints(Settings)
    for settings_field in reversed(fields(Settings)):
        spec = settings_field.metadata.get("option")
        if spec is None:
            continue
        flag = option_flag(settings_field.name)
        annotation = hints[settings_field.name]
        default = settings_field.default if settings_field.default is not MISSING else None
        if spec["derived"]:
            default = None
        if annotation is bool:  # both forms, so a script can state either whatever the default
            names = [f"{flag}/--no-{flag[2:]}", settings_field.name]
        else:
            names = [flag, settings_field.name]
        function = click.option(
            *names,
            type=_click_type(annotation, byte_size=spec["byte_size"]),
            multiple=spec["multiple"],
            is_flag=annotation is bool,
            default=None if spec["multiple"] else default,
            show_default=default not in (None, (), "") and not spec["multiple"],
            help=spec["help"],
        )(function)
    return function


def settings_from_options(values: Mapping[str, Any], **fixed: Any) -> Settings:
    """Settings from the generated options' values (and values the command fixes); a bad value is a usage
    error naming the option."""
    known = {settings_field.name for settings_field in fields(Settings)}
    chosen = {name: value for name, value in values.items() if name in known}
    for name, value in chosen.items():
        if isinstance(value, list | tuple):
            chosen[name] = tuple(value)
    try:
        return Settings(**{**chosen, **fixed})
    except SettingsError as error:
        raise click.UsageError(str(error)) from error
