"""Colab and Binder launch buttons, switched on by a repository URL.

The launch buttons of sphinx-book-theme open a chapter's notebook from its
public repository, so they only make sense once the book has one. Rather
than commit a URL that may not exist, the book takes it from the
environment when it is built:

    BOOK_REPOSITORY_URL=https://github.com/OWNER/REPO make book

(the GitHub workflow sets it to the repository it runs in). With it set,
each chapter gets "launch on Colab / Binder" buttons and a link to the
repository; without it, the site has neither, and no broken links.
BOOK_REPOSITORY_BRANCH (default ``main``) names the branch.

The variable wins over ``repository`` in _config.yml; a launcher already
named under ``launch_buttons`` there is kept.
"""

import os

from sphinx.errors import ExtensionError

COLAB_URL = "https://colab.research.google.com"
BINDERHUB_URL = "https://mybinder.org"


def launch_options(repository_url, branch="main"):
    """The html_theme_options entries that turn the buttons on."""
    url = repository_url.strip().rstrip("/")
    if url.endswith(".git"):
        url = url[: -len(".git")]
    if not url.startswith("https://github.com/") or url.count("/") != 4:
        # Colab opens notebooks from GitHub only, and the theme splits the
        # URL into owner and repository: anything else would build pages
        # whose buttons lead nowhere.
        raise ExtensionError(
            "launch_buttons: BOOK_REPOSITORY_URL must look like "
            f"https://github.com/OWNER/REPO, not {repository_url!r}")
    return {
        "repository_url": url,
        "repository_branch": branch,
        "path_to_docs": "",
        "use_repository_button": True,
        "use_issues_button": True,
        "launch_buttons": {
            "notebook_interface": "jupyterlab",
            "colab_url": COLAB_URL,
            "binderhub_url": BINDERHUB_URL,
        },
    }


def apply_repository_url(app, config):
    url = os.environ.get("BOOK_REPOSITORY_URL", "").strip()
    if not url:
        return
    branch = os.environ.get("BOOK_REPOSITORY_BRANCH", "").strip() or "main"
    options = dict(config.html_theme_options or {})
    wanted = launch_options(url, branch)
    # A launcher chosen in _config.yml (say a JupyterHub) is kept.
    buttons = dict(options.get("launch_buttons") or {})
    for name, setting in wanted.pop("launch_buttons").items():
        if not buttons.get(name):
            buttons[name] = setting
    options.update(wanted, launch_buttons=buttons)
    config.html_theme_options = options


def setup(app):
    app.connect("config-inited", apply_repository_url)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
