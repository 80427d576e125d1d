#!/usr/bin/env python3
"""Keeps src/Threshold.Web/Resources/SharedResource.resx in step with the code.

Page text uses its English wording as the key (T["Sign in"]); this adds every such
key that is missing, with the key as its English value, drops page text that no
page uses any more, and keeps the error-code entries (keys like "password.common")
that are written by hand. Run it after changing text on a page; a Web test
(ResourceTests) fails when a key or an error code's sentence is missing.
"""
import pathlib, re, sys
from xml.sax.saxutils import escape
import xml.etree.ElementTree as ET

root = pathlib.Path(__file__).resolve().parent.parent
web = root / "src" / "Threshold.Web"
resx = web / "Resources" / "SharedResource.resx"
pattern = re.compile(r'\b(?:T|Text|text)\["((?:[^"\\]|\\.)*)"')

existing = {}
if resx.exists():
    for data in ET.parse(resx).getroot().iter("data"):
        existing[data.get("name")] = data.findtext("value") or ""

used = set()
for path in list(web.rglob("*.cshtml")) + list(web.rglob("*.cs")):
    if "/obj/" in str(path) or "/bin/" in str(path):
        continue
    for match in pattern.finditer(path.read_text(encoding="utf-8")):
        used.add(match.group(1).replace('\\"', '"'))

# Error codes from Core ("password.common") are kept; page text no page uses any more goes.
is_code = re.compile(r"^[a-z_]+\.[a-z_]+$")
merged = {k: v for k, v in existing.items() if is_code.match(k) or k in used}
for key in sorted(used):
    merged.setdefault(key, key)

header = """<?xml version="1.0" encoding="utf-8"?>
<root>
  <resheader name="resmimetype"><value>text/microsoft-resx</value></resheader>
  <resheader name="version"><value>2.0</value></resheader>
  <resheader name="reader"><value>System.Resources.ResXResourceReader, System.Windows.Forms, Version=4.0.0.0, Culture=neutral, PublicKeyToken=b77a5c561934e089</value></resheader>
  <resheader name="writer"><value>System.Resources.ResXResourceWriter, System.Windows.Forms, Version=4.0.0.0, Culture=neutral, PublicKeyToken=b77a5c561934e089</value></resheader>
"""
body = "".join(
    f'  <data name="{escape(k, {chr(34): "&quot;"})}" xml:space="preserve"><value>{escape(v)}</value></data>\n'
    for k, v in sorted(merged.items()))
resx.write_text(header + body + "</root>\n", encoding="utf-8")
missing = sorted(used - set(existing))
removed = sorted(set(existing) - set(merged))
print(f"{len(merged)} entries; added {len(missing)}, removed {len(removed)}", file=sys.stderr)
