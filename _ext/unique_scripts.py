"""Emit each inline <script> once per page.

sphinx-thebe and sphinx-togglebutton add inline scripts (``const
THEBE_JS_URL = ...``) after the HTML builder has started. Sphinx 7.4 then
holds two copies of each, one named ``None`` and one ``''``, which do not
compare equal, so every page declared the same ``const`` twice and the
browser logged "Identifier 'THEBE_JS_URL' has already been declared" on
every page. This extension drops the second copy just before each page is
written. tests/test_browser.py fails on any console error, so it would
notice if the duplicate came back in another form.
"""


def _key(script):
    attributes = getattr(script, "attributes", {}) or {}
    return (getattr(script, "filename", script) or "",
            tuple(sorted(attributes.items())))


def drop_duplicate_scripts(app, pagename, templatename, context, doctree):
    scripts = context.get("script_files")
    if not scripts:
        return
    seen, unique = set(), []
    for script in scripts:
        key = _key(script)
        if key not in seen:
            seen.add(key)
            unique.append(script)
    context["script_files"] = unique


def setup(app):
    # Late priority: run after the themes and extensions have added theirs.
    app.connect("html-page-context", drop_duplicate_scripts, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
