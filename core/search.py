"""Search words out of the address bar, the browser's history and the access log (PDPA).

A list page's search form posts (``{% include "_private_search_fields.html" %}`` in the form);
:func:`private_search` answers the post with a redirect to the page's own address, where the words
are replaced by a short opaque token (``?qt=…``) that stands for them in the user's session for a
few hours. The other filters stay in the address as before, so paging, the back button, a
reload and the page's Excel export (the same address) keep working. The view reads its filters
with :func:`search_params`: the query string with the words back in ``q``.

A ``?q=`` typed into the address by hand still works (its access-log line is masked:
core/logmask.py).
"""

from __future__ import annotations

import secrets
import time
from functools import wraps
from urllib.parse import urlunsplit

from django.http import QueryDict
from django.shortcuts import redirect

QUERY = "q"
TOKEN = "qt"  # noqa: S105 - a query parameter's name
MARK = "private_search"  # the hidden field that tells a search's post from other posts
SESSION_KEY = "private_searches"
LIFETIME_SECONDS = 4 * 3600
KEPT = 20  # searches kept per session, the oldest dropped first


def private_search(view):
    """Decorate a list view whose search form posts (see the module's docstring)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method == "POST" and request.POST.get(MARK):
            return redirect(_tokenised_url(request))
        return view(request, *args, **kwargs)

    return wrapper


def _tokenised_url(request) -> str:
    params = request.POST.copy()
    for name in ("csrfmiddlewaretoken", MARK, "page", TOKEN):
        params.pop(name, None)
    words = (params.pop(QUERY, None) or [""])[-1].strip()
    if words:
        params[TOKEN] = stash(request.session, words)
    return urlunsplit(("", "", request.path, params.urlencode(), ""))


def stash(session, words: str) -> str:
    """The token that stands for ``words`` in this session (the same words, the same token)."""
    now = int(time.time())
    kept = {token: entry for token, entry in session.get(SESSION_KEY, {}).items()
            if now - entry[1] < LIFETIME_SECONDS}
    token = next((t for t, (w, _at) in kept.items() if w == words), None)
    token = token or secrets.token_urlsafe(9)
    kept[token] = [words, now]
    for old in sorted(kept, key=lambda t: kept[t][1])[:-KEPT]:
        del kept[old]
    session[SESSION_KEY] = kept
    return token


def search_params(request) -> QueryDict:
    """``request.GET`` with the words the token stands for in ``q`` (none when the token is
    unknown or expired: the list shows unsearched)."""
    token = request.GET.get(TOKEN)
    if not token:
        return request.GET
    params = request.GET.copy()
    del params[TOKEN]
    entry = request.session.get(SESSION_KEY, {}).get(token)
    if entry and time.time() - entry[1] < LIFETIME_SECONDS:
        params[QUERY] = entry[0]
    return params
