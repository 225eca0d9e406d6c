#!/usr/bin/env python3
"""The competitor of bench/digest_render.cc: the same digests rendered the
way a Python service does it (arxiv-sanity-lite's send_emails.py builds its
mails with string templates; here the standard library's email package
composes them): for each subscriber, filter the week's papers (keywords,
categories, minimum upvotes), skip papers already received, render a
text and an HTML part (html.escape), compose multipart/alternative MIME with
quoted-printable bodies, and store it in an outbox table keyed by
(subscriber, period), committed in batches, with the received papers.

usage: digest_python.py PAPERPULSE_DB SUBSCRIBERS.json FIRST_DAY LAST_DAY [LIMIT]
"""
import email.message
import email.policy
import email.utils
import html
import json
import os
import secrets
import sqlite3
import sys
import tempfile
import time


def load_candidates(db, first, last):
    con = sqlite3.connect("file:%s?mode=ro" % db, uri=True)
    rows = con.execute(
        "SELECT p.id, p.title, p.abstract, p.authors, p.categories, MAX(d.upvotes) "
        "FROM daily_entries d JOIN papers p ON p.id = d.paper_id "
        "WHERE d.date BETWEEN ? AND ? GROUP BY p.id ORDER BY MAX(d.upvotes) DESC, p.id",
        (first, last)).fetchall()
    con.close()
    out = []
    for pid, title, abstract, authors, cats, upvotes in rows:
        excerpt = " ".join(abstract.split())[:320]
        out.append({"id": pid, "title": title, "authors": json.loads(authors or "[]"),
                    "categories": cats.split(), "upvotes": upvotes or 0,
                    "text": (title + "\n" + abstract).lower(), "excerpt": excerpt})
    return out


def matches(sub, c):
    if c["upvotes"] < sub["minUpvotes"]:
        return False
    if sub["categories"] and not any(
            cat == w or cat.startswith(w + ".") for cat in c["categories"] for w in sub["categories"]):
        return False
    if sub["keywords"] and not any(k.lower() in c["text"] for k in sub["keywords"]):
        return False
    return True


def render(sub, items, token):
    base = "https://papers.example.org"
    unsub = "%s/unsubscribe/%s" % (base, token)
    text = ["paperpulse weekly: trending papers", ""]
    parts = ['<!DOCTYPE html><html><body style="margin:0;padding:0;background:#f4f4f1;">'
             '<div style="max-width:640px;margin:0 auto;padding:24px 20px;background:#fff;">'
             '<h1 style="font-size:22px;">paperpulse weekly: trending papers</h1>']
    for n, c in enumerate(items, 1):
        authors = ", ".join(c["authors"][:3]) + (" et al." if len(c["authors"]) > 3 else "")
        url = "%s/papers/%s" % (base, c["id"])
        text += ["%d. %s" % (n, c["title"]), "   " + authors, "   %d upvotes" % c["upvotes"],
                 "   " + url, "   " + c["excerpt"], ""]
        parts.append('<div style="margin:0 0 20px 0;"><a href="%s" style="font-size:17px;'
                     'font-weight:bold;color:#1a4fa0;">%s</a><div style="color:#555;'
                     'font-size:13px;">%s</div><div style="color:#222;font-size:14px;">%s</div>'
                     '</div>' % (html.escape(url), html.escape(c["title"]), html.escape(authors),
                                 html.escape(c["excerpt"])))
    text += ["-- ", "Unsubscribe: " + unsub]
    parts.append('<p style="color:#777;font-size:12px;"><a href="%s">Unsubscribe</a></p>'
                 '</div></body></html>' % html.escape(unsub))
    msg = email.message.EmailMessage(policy=email.policy.SMTP)
    msg["From"] = "paperpulse <digest@example.org>"
    msg["To"] = sub["email"]
    msg["Subject"] = "paperpulse weekly: " + items[0]["title"][:90]
    msg["Date"] = email.utils.formatdate(usegmt=True)
    msg["Message-ID"] = email.utils.make_msgid(domain="example.org")
    msg["List-Unsubscribe"] = "<%s>" % unsub
    msg["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    msg.set_content("\n".join(text), cte="quoted-printable")
    msg.add_alternative("".join(parts), subtype="html", cte="quoted-printable")
    return msg.as_bytes()


def main():
    db, subs_path, first, last = sys.argv[1:5]
    limit = int(sys.argv[5]) if len(sys.argv) > 5 else None
    candidates = load_candidates(db, first, last)
    with open(subs_path) as f:
        subs = json.load(f)["subscribers"][:limit]
    tmp = tempfile.mkdtemp(prefix="pp_digest_py_")
    out = sqlite3.connect(os.path.join(tmp, "outbox.db"))
    out.execute("PRAGMA journal_mode=WAL")
    out.execute("PRAGMA synchronous=NORMAL")
    out.execute("CREATE TABLE outbox (sub INTEGER, period TEXT, mime BLOB, PRIMARY KEY (sub, period))")
    out.execute("CREATE TABLE received (email TEXT, paper TEXT, PRIMARY KEY (email, paper))")
    start = time.time()
    rendered = nothing = 0
    for i in range(0, len(subs), 500):
        for sub in subs[i:i + 500]:
            ids = [c["id"] for c in candidates if matches(sub, c)][:300]
            got = set()
            if ids:
                q = "SELECT paper FROM received WHERE email = ? AND paper IN (%s)" % ",".join("?" * len(ids))
                got = {r[0] for r in out.execute(q, [sub["email"], *ids])}
            items = [c for c in candidates if c["id"] in ids and c["id"] not in got][:20]
            if not items:
                nothing += 1
                continue
            mime = render(sub, items, secrets.token_urlsafe(32))
            cur = out.execute("INSERT OR IGNORE INTO outbox VALUES (?, ?, ?)",
                              (sub["id"], "weekly/" + last, mime))
            if cur.rowcount:
                out.executemany("INSERT OR IGNORE INTO received VALUES (?, ?)",
                                [(sub["email"], c["id"]) for c in items])
                rendered += 1
        out.commit()
    seconds = time.time() - start
    out.close()
    for name in os.listdir(tmp):
        os.remove(os.path.join(tmp, name))
    os.rmdir(tmp)
    print("python: %d subscribers, rendered %d, nothing new %d in %.1f s = %.0f digests/s"
          % (len(subs), rendered, nothing, seconds, rendered / seconds if seconds else 0))


if __name__ == "__main__":
    main()
