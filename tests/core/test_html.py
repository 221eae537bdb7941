"""core.html.table_rows: the long tables' rows escape every value but markup."""

from django.template import Context, Template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from core.html import table_rows

ROW = '<tr><td><a href="{url}">{name}</a></td><td>{cells}</td></tr>'


def test_values_are_escaped_and_markup_passes_as_it_is():
    rows = [{"url": "/p/1/?a=1&b=2", "name": '<script>alert("x")</script> & ก',
             "cells": mark_safe("<b>✓</b>")},
            {"url": "/p/2/", "name": "นาง'สมใจ'", "cells": format_html("<i>{}</i>", "<✗>")}]
    html = str(table_rows(ROW, rows))
    assert html == (
        '<tr><td><a href="/p/1/?a=1&amp;b=2">&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; '
        '&amp; ก</a></td><td><b>✓</b></td></tr>\n'
        '<tr><td><a href="/p/2/">นาง&#39;สมใจ&#39;</a></td><td><i>&lt;✗&gt;</i></td></tr>')


def test_a_template_prints_the_rows_without_escaping_them_again():
    rows = table_rows(ROW, [{"url": "/", "name": "<b>", "cells": ""}])
    out = Template("<tbody>{{ rows }}</tbody>").render(Context({"rows": rows}))
    assert out == '<tbody><tr><td><a href="/">&lt;b&gt;</a></td><td></td></tr></tbody>'


def test_no_rows_is_no_markup():
    assert str(table_rows(ROW, [])) == ""
