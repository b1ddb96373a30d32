"""Shared pieces of the XSS tests: the payload corpus and the in-browser inspection."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import Page

CORPUS = Path(__file__).resolve().parents[1] / "data" / "xss_payloads.txt"


def load_payloads() -> list[str]:
    lines = CORPUS.read_text(encoding="utf-8").splitlines()
    return [line for line in lines[1:] if line.strip()]  # line 1 describes the file


# Run in the page after load: anything script-capable that user content could have produced.
INSPECT_DOM = """
() => {
  const urlAttrs = ['href', 'src', 'action', 'formaction', 'xlink:href', 'data', 'srcdoc',
                    'background', 'poster', 'srcset', 'ping', 'cite', 'lowsrc', 'dynsrc'];
  const forbiddenTags = ['IFRAME', 'OBJECT', 'EMBED', 'BASE', 'FRAME', 'FRAMESET', 'PORTAL',
                         'STYLE', 'APPLET', 'SVG', 'MATH', 'TEMPLATE', 'VIDEO', 'AUDIO', 'IMG'];
  const bad = [];
  for (const el of document.querySelectorAll('*')) {
    const tag = el.tagName.toUpperCase();
    for (const attr of el.attributes) {
      const name = attr.name.toLowerCase();
      const value = attr.value.replace(/[\\s\\u0000-\\u001f]/g, '').toLowerCase();
      if (name.startsWith('on')) bad.push(`${tag} ${name}`);
      if (name === 'style') bad.push(`${tag} style=`);
      const emptyFavicon = tag === 'LINK' && name === 'href' && value === 'data:,';  // ours
      if (urlAttrs.includes(name) && /^(javascript|vbscript|data):/.test(value) && !emptyFavicon) {
        bad.push(`${tag} ${name}=${value.slice(0, 40)}`);
      }
    }
    if (forbiddenTags.includes(tag)) bad.push(`<${tag}>`);
    if (tag === 'SCRIPT' && !(el.src && el.src.startsWith(location.origin + '/static/'))) {
      bad.push('<SCRIPT> not from /static');
    }
    if (tag === 'META' && el.httpEquiv) bad.push('META http-equiv');
    // getAttribute, not el.action: an input named "action" shadows the form's property.
    const target = el.getAttribute(tag === 'FORM' ? 'action' : 'href');
    if ((tag === 'FORM' || tag === 'LINK') && target !== null && target !== 'data:,'
        && new URL(target, location.href).origin !== location.origin) {
      bad.push(`${tag} offsite`);
    }
  }
  return bad;
}
"""


@dataclass
class Watcher:
    """Records dialogs and requests to anywhere but the app while pages load."""

    base: str
    dialogs: list[str] = field(default_factory=list)
    offsite_requests: list[str] = field(default_factory=list)

    def attach(self, page: Page) -> None:
        def on_dialog(dialog):  # type: ignore[no-untyped-def]
            self.dialogs.append(f"{page.url}: {dialog.message}")
            dialog.dismiss()

        def on_request(request):  # type: ignore[no-untyped-def]
            if not request.url.startswith(self.base):
                self.offsite_requests.append(f"{page.url} -> {request.url}")

        page.on("dialog", on_dialog)
        page.on("request", on_request)

    def check(self, page: Page, url: str) -> list[str]:
        """Load `url` and return what is wrong with its DOM (nothing, we hope)."""
        response = page.goto(url)
        assert response is not None and response.status < 500, url
        return [f"{url}: {problem}" for problem in page.evaluate(INSPECT_DOM)]
