"""Translations: every string in the code is in the Chinese catalogue, translated, and shown."""

from __future__ import annotations

import ast
import xml.etree.ElementTree as ET
from pathlib import Path

from PySide6.QtCore import QCoreApplication

from app.gui import i18n

ROOT = Path(__file__).resolve().parents[2]
TS = ROOT / "resources" / "i18n" / "storeplan_zh_CN.ts"


def _catalogue() -> dict[tuple[str, str], str]:
    out = {}
    for ctx in ET.parse(TS).getroot().iter("context"):
        name = ctx.find("name").text
        for m in ctx.iter("message"):
            tr = m.find("translation")
            assert tr.get("type") not in ("unfinished", "obsolete", "vanished"), m.find("source").text
            out[(name, m.find("source").text)] = tr.text or ""
    return out


def _strings_in_code():
    """(context, text) of every tr("…") / translate("Ctx", "…") literal under app/gui."""
    for path in (ROOT / "app" / "gui").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        classes = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef):
                for inner in ast.walk(node):
                    classes.setdefault(id(inner), node.name)
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
                continue
            args = node.args
            if node.func.attr == "tr" and args and isinstance(args[0], ast.Constant):
                yield classes.get(id(node)), args[0].value, path
            elif (node.func.attr == "translate" and len(args) >= 2 and isinstance(args[0], ast.Constant)
                  and isinstance(args[1], ast.Constant)):
                yield args[0].value, args[1].value, path


def test_every_string_in_the_code_has_a_chinese_translation():
    catalogue = _catalogue()
    missing = [(ctx, text, p.name) for ctx, text, p in _strings_in_code()
               if not catalogue.get((ctx, text))]
    assert missing == []
    assert len(catalogue) > 300


def test_translations_keep_their_placeholders():
    for (_, source), text in _catalogue().items():
        for ph in ("%1", "%2"):
            assert (ph in source) == (ph in text), source


def test_chinese_translator_is_used(qapp):
    try:
        assert i18n.install_translator("zh_CN") == "zh_CN"
        assert QCoreApplication.translate("Labels", "Outlets") == "售点"
        assert QCoreApplication.translate("MainWindow", "&File") == "文件(&F)"
    finally:
        assert i18n.install_translator("en") == "en"
    assert QCoreApplication.translate("Labels", "Outlets") == "Outlets"


def test_system_locale_decides_when_nothing_is_set(monkeypatch):
    from PySide6.QtCore import QLocale

    monkeypatch.setattr(QLocale, "system", staticmethod(lambda: QLocale("zh_CN")))
    assert i18n.resolve_language(None) == "zh_CN"
    monkeypatch.setattr(QLocale, "system", staticmethod(lambda: QLocale("de_DE")))
    assert i18n.resolve_language("") == "en"
    assert i18n.resolve_language("zh_CN") == "zh_CN"
