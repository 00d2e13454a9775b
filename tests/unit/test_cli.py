"""The headless CLI as a user runs it: exit codes, --json shape, errors without tracebacks."""

from __future__ import annotations

import contextlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from loopback_http import Loopback, rss, static, status

from termnews.cli import main

ARTICLE_KEYS = {"id", "feed", "section", "title", "link", "published", "read", "starred"}


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_add_then_articles_json(capsys: pytest.CaptureFixture[str], feeds_dir: Path) -> None:
    code, out, _ = run(capsys, "add", str(feeds_dir / "world.xml"), "--section", "World")
    assert code == 0 and "3 new articles" in out
    code, out, _ = run(capsys, "articles", "--json")
    assert code == 0
    articles = json.loads(out)
    assert len(articles) == 3
    assert all(set(a) >= ARTICLE_KEYS for a in articles)
    assert {a["section"] for a in articles} == {"World"}
    assert articles[0]["title"] == "Harbour bridge reopens after repairs"


def test_refresh_adds_no_duplicates_and_keeps_state(
    capsys: pytest.CaptureFixture[str], feeds_dir: Path, tmp_path: Path
) -> None:
    feed = tmp_path / "feed.xml"
    feed.write_bytes((feeds_dir / "world.xml").read_bytes())
    run(capsys, "add", str(feed))
    ids = [a["id"] for a in json.loads(run(capsys, "articles", "--json")[1])]
    assert run(capsys, "read", str(ids[0]))[0] == 0
    assert run(capsys, "star", str(ids[1]))[0] == 0
    # Change the file so it is re-parsed, not skipped by its fingerprint.
    feed.write_text(feed.read_text().replace("six months", "seven months"))
    code, out, _ = run(capsys, "refresh", "--json")
    report = json.loads(out)
    assert code == 0
    assert report["totals"]["new_articles"] == 0 and report["totals"]["updated_articles"] == 1
    after = {a["id"]: a for a in json.loads(run(capsys, "articles", "--json")[1])}
    assert len(after) == 3
    assert after[ids[0]]["read"] and after[ids[1]]["starred"]
    code, out, _ = run(capsys, "articles", "--starred", "--json")
    assert [a["id"] for a in json.loads(out)] == [ids[1]]
    code, out, _ = run(capsys, "articles", "--unread", "--json")
    assert ids[0] not in [a["id"] for a in json.loads(out)]


def test_directory_of_feeds_with_bad_files(
    capsys: pytest.CaptureFixture[str], feeds_dir: Path
) -> None:
    code, _, err = run(capsys, "add", str(feeds_dir), "--section", "Mixed")
    assert code == 1  # some sources failed
    assert "malformed.xml" in err and "notafeed.xml" in err
    assert "Traceback" not in err
    feeds = json.loads(run(capsys, "feeds", "--json")[1])
    assert sorted(f["title"] for f in feeds) == ["Fixture JSON", "Fixture Tech", "Fixture World"]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["add", "/no/such/file.xml"], "no such file"),
        (["show", "12345"], "no article with id 12345"),
        (["remove", "nothing-like-this"], "no feed matches"),
        (["articles", "--section", "Nope"], "no section named"),
        (["articles", "--feed", "Nope"], "no feed matches"),
        (["star", "999"], "no article with id 999"),
        (["add", "https://[::1"], "https://[::1: malformed URL"),
        (["add", "http://example.org:port/feed"], "malformed URL"),
    ],
)
def test_user_errors_exit_2_with_one_line(
    capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    code, _, err = run(capsys, *argv)
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1 and message in lines[0]


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    for argv in (["articles", "--limit", "x"], ["show", "abc"], ["bogus-command"]):
        with pytest.raises(SystemExit) as exc:
            main(argv)
        assert exc.value.code == 2
        assert "Traceback" not in capsys.readouterr().err


def test_show_renders_and_marks_read(capsys: pytest.CaptureFixture[str], feeds_dir: Path) -> None:
    run(capsys, "add", str(feeds_dir / "world.xml"), "--section", "World")
    first = json.loads(run(capsys, "articles", "--json")[1])[0]
    code, out, _ = run(capsys, "show", str(first["id"]))
    assert code == 0
    assert "Harbour bridge reopens after repairs" in out
    assert "Traffic returns" in out and "Two lanes each way" in out
    assert "https://fixture.example/repairs" in out  # relative link resolved
    again = json.loads(run(capsys, "show", str(first["id"]), "--json")[1])
    assert again["read"] is True and "content" in again


def test_show_into_a_pipe_has_no_trailing_blanks(
    capsys: pytest.CaptureFixture[str], feeds_dir: Path
) -> None:
    # Rich pads every Markdown line to the console width (80 in a pipe, COLUMNS if
    # set): 'termnews show ID > article.txt' wrote lines ending in runs of spaces.
    run(capsys, "add", str(feeds_dir / "world.xml"), "--section", "World")
    first = json.loads(run(capsys, "articles", "--json")[1])[0]
    code, out, _ = run(capsys, "show", str(first["id"]))
    assert code == 0 and "Traffic returns" in out
    assert [line for line in out.splitlines() if line != line.rstrip()] == []


def test_feeds_lists_each_feed_as_readme_shows(
    capsys: pytest.CaptureFixture[str], feeds_dir: Path
) -> None:
    # README shows 'ok 2026-11-24T19:02:11Z'; the listing printed microseconds
    # ('ok 2026-12-04T21:09:16.507280Z').
    run(capsys, "add", str(feeds_dir / "world.xml"), "--section", "World")
    code, out, _ = run(capsys, "feeds")
    assert code == 0
    section, feed, where = out.splitlines()
    assert section == "World"
    assert re.fullmatch(
        r"  \[1\] Fixture World  \(3/3 unread\)  ok \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", feed
    ), feed
    assert where.strip() == str(feeds_dir / "world.xml")


def test_hostile_text_never_reaches_terminal(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    feed = tmp_path / "evil.xml"
    feed.write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Evil &#x1b;[31m</title>'
        "<item><guid>e1</guid><title>[bold]Bold[/] &#x1b;]52;c;aGk=&#x7; \u202egnp.exe</title>"
        "<description>&lt;p&gt;body &#x1b;[2J wipe&lt;/p&gt;</description></item></channel></rss>",
        encoding="utf-8",
    )
    run(capsys, "add", str(feed))
    code, out, _ = run(capsys, "articles")
    assert code == 0
    assert "\x1b" not in out and "\u202e" not in out and "\x07" not in out
    assert "[bold]Bold[/]" in out
    aid = json.loads(run(capsys, "articles", "--json")[1])[0]["id"]
    code, out, _ = run(capsys, "show", str(aid))
    assert "\x1b" not in out and "[bold]Bold[/]" in out


def test_show_leaves_out_the_headline_repeated_in_the_body(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """The headline printed above the body was the body's first line again (and its
    lead image's caption): core/title_echo.py, 115 bodies of shared/corpus/feeds-real."""
    feed = tmp_path / "echo.xml"
    feed.write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Echo</title>'
        "<item><guid>e1</guid><title>Bash parameter expansion</title>"
        "<description>&lt;p&gt;Bash parameter expansion&lt;/p&gt;</description></item>"
        "<item><guid>e2</guid><title>Cleaned up the rack</title><description>&lt;img"
        ' src="https://i.example/rack.jpg" alt="Cleaned up the rack"&gt;&lt;p&gt;New NICs.'
        "&lt;/p&gt;</description></item></channel></rss>",
        encoding="utf-8",
    )
    run(capsys, "add", str(feed))
    ids = {a["title"]: a["id"] for a in json.loads(run(capsys, "articles", "--json")[1])}
    out = run(capsys, "show", str(ids["Bash parameter expansion"]))[1]
    assert out.count("Bash parameter expansion") == 1 and "(no text)" in out
    out = run(capsys, "show", str(ids["Cleaned up the rack"]))[1]
    assert out.count("Cleaned up the rack") == 1 and "New NICs." in out


def test_remove_feed(capsys: pytest.CaptureFixture[str], feeds_dir: Path) -> None:
    run(capsys, "add", str(feeds_dir / "tech.atom"))
    code, out, _ = run(capsys, "remove", "Fixture Tech")
    assert code == 0 and "removed" in out
    assert json.loads(run(capsys, "feeds", "--json")[1]) == []


def test_offline_refresh_skips_http(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    from termnews.core.store import Store

    with Store.open(tmp_path / "data" / "termnews.db") as store:
        store.add_feed("http://127.0.0.1:9/feed.xml", "Nowhere", "World")
    code, out, _ = run(capsys, "--offline", "refresh", "--json")
    report = json.loads(out)
    assert code == 0 and report["feeds"][0]["status"] == "skipped"


def test_global_flags_after_subcommand(
    capsys: pytest.CaptureFixture[str], feeds_dir: Path, tmp_path: Path
) -> None:
    other = tmp_path / "elsewhere"
    run(capsys, "add", str(feeds_dir / "tech.atom"), "--data-dir", str(other))
    assert (other / "termnews.db").exists()
    assert len(json.loads(run(capsys, "--data-dir", str(other), "articles", "--json")[1])) == 2


def test_bad_config_is_one_line(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    cfg = tmp_path / "bad.toml"
    cfg.write_text("[network]\nconcurrency = 'many'\n")
    code, _, err = run(capsys, "--config", str(cfg), "refresh")
    assert code == 2
    assert "network.concurrency" in err and str(cfg) in err and len(err.strip().splitlines()) == 1


def test_demo_articles_without_network(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--demo", "articles", "--limit", "500", "--json")
    assert code == 0
    articles = json.loads(out)
    sections = {a["section"] for a in articles}
    assert "Guide" in sections
    assert len([a for a in articles if a["section"] != "Guide"]) >= 40
    assert len(sections - {"Guide"}) >= 4


@pytest.mark.parametrize("argv", [["feeds", "--version"], ["search", "x", "--version"]])
def test_version_works_after_the_command_as_the_other_global_flags(
    capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    # README: global flags work before or after the command, --version among them;
    # after one it was "unrecognized arguments: --version", exit 2.
    from termnews import __version__

    with pytest.raises(SystemExit) as stop:
        main(argv)
    assert stop.value.code == 0
    assert capsys.readouterr().out.strip() == f"termnews {__version__}"


def test_version_and_help_run_as_processes() -> None:
    env = {**os.environ}
    out = subprocess.run(
        [sys.executable, "-m", "termnews", "--version"],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    assert out.stdout.startswith("termnews ")
    for cmd in ("add", "remove", "feeds", "refresh", "articles", "show", "read", "star"):
        res = subprocess.run(
            [sys.executable, "-m", "termnews", cmd, "--help"],
            capture_output=True,
            text=True,
            env=env,
        )
        assert res.returncode == 0 and "usage:" in res.stdout


def test_counts_of_one_read_as_singular(
    capsys: pytest.CaptureFixture[str], feeds_dir: Path, tmp_path: Path
) -> None:
    """ "1 feeds: 0 new articles" and "in 1 sections" read wrong; one is singular."""
    feed = tmp_path / "feed.xml"
    feed.write_bytes((feeds_dir / "world.xml").read_bytes())
    assert run(capsys, "add", str(feed))[0] == 0
    feed.write_text(feed.read_text().replace("six months", "seven months"))
    code, out, _ = run(capsys, "refresh")
    assert code == 0
    assert out.strip().startswith("1 feed: 0 new articles, 1 updated"), out
    code, out, _ = run(capsys, "stats")
    assert code == 0 and re.search(r"feeds\s+1 in 1 section \(", out), out


def test_offline_add_refuses_a_url_no_refresh_could_fetch(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Offline, nothing is fetched; a malformed URL used to be subscribed anyway."""
    code, _, err = run(capsys, "--offline", "add", "http://[zz]/feed")
    assert code == 2
    assert err.count("\n") == 1 and "malformed URL" in err
    code, out, _ = run(capsys, "--offline", "add", "http://127.0.0.1:9/feed.xml")
    assert code == 0 and "added [" in out
    code, out, _ = run(capsys, "feeds", "--json")
    assert [f["url"] for f in json.loads(out)] == ["http://127.0.0.1:9/feed.xml"]


@pytest.mark.parametrize("url", ["ftp://example.org/feed.xml", "gopher://example.org/1/news"])
def test_adding_a_url_of_another_scheme_says_so(
    capsys: pytest.CaptureFixture[str], url: str
) -> None:
    # It was taken for a local path: "ftp://example.org/feed.xml: no such file or directory".
    code, out, err = run(capsys, "add", url)
    assert code != 0 and out == ""
    scheme = url.split(":")[0]
    assert f"unsupported URL scheme {scheme!r}" in err and "no such file" not in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty document (not added)"),
        (b"Just some words, not a feed", "not a feed"),
    ],
)
def test_adding_one_unreadable_file_is_an_input_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, content: bytes, message: str
) -> None:
    # A bad URL exits 2; a bad file exited 1 ("some sources failed") though nothing
    # at all was subscribed. README: 2 is "a bad file, URL, id, query or config".
    path = tmp_path / "feed.xml"
    path.write_bytes(content)
    code, _, err = run(capsys, "add", str(path))
    assert code == 2
    assert message in err and len(err.strip().splitlines()) == 1
    assert json.loads(run(capsys, "feeds", "--json")[1]) == []


@pytest.mark.parametrize("ref", ["", "   "])
def test_adding_nothing_is_refused(capsys: pytest.CaptureFixture[str], ref: str) -> None:
    # "" was resolved to the current directory and searched as a folder.
    code, _, err = run(capsys, "add", ref)
    assert code == 2
    assert err.strip() == "termnews: error: give a feed URL or a local file or folder to add"


def test_a_config_file_named_with_config_must_exist(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # A typo in --config silently ran on the defaults.
    missing = tmp_path / "typo.toml"
    for argv in (["feeds"], []):  # a command, and the reader
        code, _, err = run(capsys, "--config", str(missing), *argv)
        assert code == 2
        assert err.strip() == (
            f"termnews: error: {missing}: no such config file (given with --config)"
        )
    # The default location (here TERMNEWS_CONFIG, set by conftest to a missing file)
    # may be absent: defaults, no message.
    code, _, err = run(capsys, "feeds")
    assert code == 0 and err == ""


def test_refresh_section_is_found_in_any_case_and_a_typo_is_an_error(
    capsys: pytest.CaptureFixture[str], feeds_dir: Path
) -> None:
    # 'refresh --section Wrold' refreshed "0 feeds" and exited 0; 'articles
    # --section' has always refused an unknown name and ignored case.
    run(capsys, "add", str(feeds_dir / "world.xml"), "--section", "World")
    code, out, err = run(capsys, "refresh", "--section", "world", "--force")
    assert code == 0 and out.startswith("1 feed:"), (out, err)
    code, out, err = run(capsys, "refresh", "--section", "Wrold")
    assert code == 2 and out == ""
    assert err.strip() == "termnews: error: no section named 'Wrold' (have: World)"


def test_refresh_of_a_feed_outside_the_section_named_is_an_error(
    capsys: pytest.CaptureFixture[str], feeds_dir: Path
) -> None:
    # 'refresh FEED --section OTHER' dropped the feed silently: "0 feeds", exit 0.
    run(capsys, "add", str(feeds_dir / "world.xml"), "--section", "World")
    run(capsys, "add", str(feeds_dir / "tech.atom"), "--section", "Tech")
    code, out, err = run(capsys, "refresh", "1", "--section", "tech")
    assert (code, out) == (2, "")
    assert err.strip() == (
        "termnews: error: feed [1] Fixture World is in section 'World', not 'Tech'"
    )
    code, out, err = run(capsys, "refresh", "1", "--section", "world", "--force")
    assert code == 0 and out.startswith("1 feed:"), (out, err)


def test_config_shows_the_values_the_file_sets(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # 'termnews config' listed only defaults: a user could not see that a value was
    # taken (or which file it came from when TERMNEWS_CONFIG pointed elsewhere).
    cfg = tmp_path / "config.toml"
    cfg.write_text('[network]\nconcurrency = 4\n[keys]\nstar = "x"\n')
    code, out, _ = run(capsys, "--config", str(cfg), "config")
    assert code == 0
    lines = out.splitlines()
    at = next(i for i, line in enumerate(lines) if "network.concurrency" in line)
    assert lines[at + 1].split() == ["set", "to", "4"]
    assert sum("set to" in line for line in lines) == 2
    options = json.loads(run(capsys, "--config", str(cfg), "config", "--json")[1])["options"]
    by_key = {o["key"]: o for o in options}
    assert by_key["network.concurrency"]["value"] == 4
    assert by_key["network.per_host"]["value"] == 4 and by_key["keys"]["value"] == {"star": "x"}


def test_config_json_defaults_are_json_values_like_the_values(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # "default" was the text form ("''", "False", "32"): a script comparing it with
    # "value" saw every option as changed.
    cfg = tmp_path / "config.toml"
    cfg.write_text("[network]\nconcurrency = 4\n")
    options = json.loads(run(capsys, "--config", str(cfg), "config", "--json")[1])["options"]
    changed = [o["key"] for o in options if o["default"] != o["value"]]
    assert changed == ["network.concurrency"]
    by_key = {o["key"]: o for o in options}
    assert by_key["network.concurrency"]["default"] == 32
    assert by_key["general.unread_only"]["default"] is False
    assert by_key["search.mute"]["default"] == [] and by_key["keys"]["default"] == {}


def test_config_names_every_file_termnews_keeps(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # README: 'termnews config' says where the files are; it named the config file
    # and the data dir, not the cache file, the UI state or the cache dir.
    monkeypatch.setenv("TERMNEWS_CACHE_DIR", str(tmp_path / "rebuildable"))
    data = Path(os.environ["TERMNEWS_DATA_DIR"])
    code, out, _ = run(capsys, "config")
    assert code == 0
    assert str(data / "termnews.db") in out and str(data / "state.json") in out
    assert str(tmp_path / "rebuildable") in out
    shown = json.loads(run(capsys, "config", "--json")[1])
    assert shown["cache"] == str(data / "termnews.db")
    assert shown["state_file"] == str(data / "state.json")
    assert shown["cache_dir"] == str(tmp_path / "rebuildable")


def test_small_wording_and_range_slips(capsys: pytest.CaptureFixture[str], feeds_dir: Path) -> None:
    run(capsys, "add", str(feeds_dir / "world.xml"))
    # "left out 1 local sources"
    code, _, err = run(capsys, "export")
    assert code == 0 and "left out 1 local source (files" in err
    # --offset -1 was taken as 0
    with pytest.raises(SystemExit) as exc:
        main(["search", "bridge", "--offset", "-1"])
    assert exc.value.code == 2
    assert "argument --offset: must not be negative" in capsys.readouterr().err
    # 'show 0' said "no article has id 0", 'show 999' "no article with id 999"
    with pytest.raises(SystemExit):
        main(["show", "0"])
    assert "no article with id 0" in capsys.readouterr().err


def test_add_warnings_name_their_feed(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    # "  warning: malformed XML, read what could be read: ..." on stderr named no feed;
    # after adding a folder of feeds nobody could tell which one it was about.
    feed = tmp_path / "repairable.xml"
    feed.write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Shaky</title>'
        "<item><title>One &nbsp; two</title><guid>1</guid></item></channel></rss>"
    )
    code, _, err = run(capsys, "add", str(feed))
    assert code == 0, err
    lines = [line for line in err.splitlines() if "warning" in line]
    assert lines and all(line.startswith("termnews: warning: [1] Shaky: ") for line in lines)


def test_output_in_a_non_utf8_locale_never_crashes(feeds_dir: Path, tmp_path: Path) -> None:
    # A latin-1 or ASCII stdout (PYTHONIOENCODING, an old locale) ended 'articles' and
    # 'show' in a UnicodeEncodeError traceback on "🎉" or the byline's "·".
    env = {**os.environ, "TERMNEWS_DATA_DIR": str(tmp_path / "d"), "PYTHONIOENCODING": "ascii"}

    def termnews(*argv: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "termnews", *argv],
            env=env,
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
            timeout=120,
        )

    assert termnews("add", str(feeds_dir / "world.xml")).returncode == 0
    listed = termnews("articles")
    assert listed.returncode == 0 and "Traceback" not in listed.stderr
    assert "Caf? owners welcome new market rules ?" in listed.stdout
    shown = termnews("show", "2")
    assert shown.returncode == 0 and "Traceback" not in shown.stderr, shown.stderr
    # JSON keeps every character, as \u escapes.
    data = json.loads(termnews("articles", "--json").stdout)
    assert "Café owners welcome new market rules 🎉" in [a["title"] for a in data]


def test_an_empty_listing_says_why(
    capsys: pytest.CaptureFixture[str], feeds_dir: Path, tmp_path: Path
) -> None:
    # Every empty listing said "Add a feed", also to a user with feeds whose
    # --unread, --starred or --section just matched nothing.
    assert run(capsys, "articles")[2].strip() == (
        "No articles. Add a feed with: termnews add URL_OR_PATH"
    )
    opml = tmp_path / "subs.opml"
    opml.write_text(
        '<opml version="2.0"><body>'
        '<outline text="Later" xmlUrl="http://127.0.0.1:9/feed.xml"/></body></opml>'
    )
    assert run(capsys, "import", str(opml))[0] == 0
    code, out, err = run(capsys, "articles")
    assert (code, out, err.strip()) == (
        0,
        "",
        "No articles cached yet. Fetch them with: termnews refresh",
    )
    run(capsys, "add", str(feeds_dir / "world.xml"), "--section", "World")
    code, out, err = run(capsys, "articles", "--starred")
    assert (code, out, err.strip()) == (0, "", "No articles match these filters.")


def test_add_offline_says_the_feed_was_not_fetched(capsys: pytest.CaptureFixture[str]) -> None:
    # 'added [1] URL in General: 0 new articles' read as an empty feed: with
    # --offline the URL was subscribed unread, its title still the URL.
    code, out, _ = run(capsys, "--offline", "add", "http://127.0.0.1:9/feed.xml")
    assert code == 0
    assert out.strip() == (
        "added [1] http://127.0.0.1:9/feed.xml in General: "
        "not fetched (offline); 'termnews refresh' reads it"
    )


def test_sections_apart_only_by_case_are_each_reachable_by_section(
    capsys: pytest.CaptureFixture[str], feeds_dir: Path
) -> None:
    # A folder gives 'tech / chips', an OPML list 'Tech / Chips': two sections. The
    # case-folded lookup of --section always found the same one of them.
    run(capsys, "add", str(feeds_dir / "world.xml"), "--section", "Tech / Chips")
    run(capsys, "add", str(feeds_dir / "tech.atom"), "--section", "tech / chips")
    for name in ("Tech / Chips", "tech / chips"):
        code, out, _ = run(capsys, "articles", "--section", name, "--json")
        assert code == 0 and {a["section"] for a in json.loads(out)} == {name}
        code, out, _ = run(capsys, "refresh", "--section", name, "--json", "--force")
        assert code == 0
        assert len(json.loads(out)["feeds"]) == 1
    code, out, _ = run(capsys, "articles", "--section", "TECH / CHIPS", "--json")
    assert code == 0 and json.loads(out)  # any case still finds one of them


def test_a_refresh_with_no_subscriptions_says_how_to_add_some(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # A new user's first 'termnews refresh' said "0 feeds: 0 new articles, ..." only.
    code, out, err = run(capsys, "refresh")
    assert code == 0 and out.startswith("0 feeds:")
    assert "termnews add URL_OR_PATH" in err and "termnews import --starter" in err
    code, out, err = run(capsys, "refresh", "--json")
    assert code == 0 and json.loads(out)["feeds"] == [] and err == ""


@pytest.mark.parametrize("missing", ["standard input", "standard error"])
def test_the_reader_without_a_terminal_says_so_and_exits_2(tmp_path: Path, missing: str) -> None:
    """From cron or ``termnews 2>log`` the reader drew its escape sequences into the
    file and then waited for keys forever; now it is one line and status 2."""
    import pty

    env = {**os.environ, "TERMNEWS_DATA_DIR": str(tmp_path / "d"), "TERM": "xterm-256color"}
    master, slave = pty.openpty()
    os.set_blocking(master, False)
    try:
        done = subprocess.run(
            [sys.executable, "-m", "termnews", "--offline"],
            env=env,
            stdin=subprocess.DEVNULL if missing == "standard input" else slave,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE if missing == "standard error" else slave,
            timeout=60,
        )
        on_terminal = b""
        with contextlib.suppress(BlockingIOError, OSError):
            on_terminal = os.read(master, 65536)
    finally:
        os.close(slave)
        os.close(master)
    assert done.returncode == 2 and done.stdout == b""
    err = (done.stderr or on_terminal).decode().replace("\r\n", "\n")
    assert err.startswith(f"termnews: error: the reader needs a terminal, and {missing} is not")
    assert len(err.splitlines()) == 1 and "\x1b" not in err


def test_show_names_the_author_as_the_reader_does_and_once(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """'DC Rainmaker · DC Rainmaker · Thu 9 Nov': the blog named as its own author read
    as a doubled line; another author read as a second feed name without the
    reader's "By"."""
    feed = tmp_path / "self.xml"
    feed.write_text(
        '<?xml version="1.0"?><rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/">'
        "<channel><title>DC Rainmaker</title><link>https://fixture.example/</link>"
        "<item><guid>a</guid><title>Own post</title><dc:creator>DC Rainmaker</dc:creator>"
        "<description>Text.</description></item>"
        "<item><guid>b</guid><title>Guest post</title><dc:creator>Ray Maker</dc:creator>"
        "<description>Text.</description></item></channel></rss>",
        encoding="utf-8",
    )
    assert run(capsys, "add", str(feed))[0] == 0
    by_title = {a["title"]: a["id"] for a in json.loads(run(capsys, "articles", "--json")[1])}
    own = run(capsys, "show", str(by_title["Own post"]), "--keep-unread")[1].splitlines()[0]
    guest = run(capsys, "show", str(by_title["Guest post"]), "--keep-unread")[1].splitlines()[0]
    assert own.startswith("GENERAL · DC Rainmaker · ") and own.count("DC Rainmaker") == 1
    assert guest.startswith("GENERAL · DC Rainmaker · By Ray Maker · ")


def test_articles_columns_line_up_in_cells_with_a_cjk_feed_name(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """The feed column was cut and padded by characters: "投资资讯网交易在线--流通纪念币最新"
    took 36 cells of an 18-cell column and pushed its titles far right of the others."""
    from rich.cells import cell_len

    for name, title in (
        ("投资资讯网交易在线--流通纪念币最新20篇", "CJK story"),
        ("Plain", "ASCII story"),
    ):
        feed = tmp_path / f"{title[:4]}.xml"
        feed.write_text(
            f'<?xml version="1.0"?><rss version="2.0"><channel><title>{name}</title>'
            f"<item><guid>{title}</guid><title>{title}</title><description>x</description>"
            "</item></channel></rss>",
            encoding="utf-8",
        )
        assert run(capsys, "add", str(feed), "--section", "日本語のセクション名")[0] == 0
    for argv in (("articles",), ("search", "story")):
        lines = [line for line in run(capsys, *argv)[1].splitlines() if "story" in line]
        assert len(lines) == 2
        starts = {cell_len(line.split("CJK story")[0].split("ASCII story")[0]) for line in lines}
        assert len(starts) == 1, lines


def test_a_feed_named_by_part_of_its_title_is_not_guessed_but_suggested(
    capsys: pytest.CaptureFixture[str], feeds_dir: Path
) -> None:
    """'refresh fixture' said only "no feed matches"; the feeds whose title holds the
    words are named (never taken: 'remove' must not act on a guess)."""
    run(capsys, "add", str(feeds_dir / "world.xml"))
    run(capsys, "add", str(feeds_dir / "tech.atom"))
    code, _, err = run(capsys, "remove", "fixture")
    assert code == 2
    assert err.strip() == (
        "termnews: error: no feed matches 'fixture' (give an id, URL, path or title; "
        "titles with it: [2] Fixture Tech, [1] Fixture World)"
    )
    assert len(json.loads(run(capsys, "feeds", "--json")[1])) == 2
    # A number is an id: a feed that is gone is not "suggested" by digits in titles.
    run(capsys, "add", str(feeds_dir / "news.json"), "--title", "Top 99 stories")
    assert run(capsys, "remove", "99")[2].strip() == (
        "termnews: error: no feed matches '99' (give an id, URL, path or title)"
    )


def test_a_feed_named_to_refresh_is_fetched_before_its_ttl(
    capsys: pytest.CaptureFixture[str], server: Loopback
) -> None:
    """'refresh FEED' (and the reader's r on one feed, which runs it) skipped a feed
    "not due yet" for as long as its <ttl> said, up to a day, with no way to fetch it
    from the reader. Named, it is fetched (conditionally); a Retry-After still holds."""
    server.routes["/ttl"] = static(rss("Hourly", ttl=60))
    server.routes["/busy"] = static(rss("Busy", prefix="b"))
    assert run(capsys, "add", server.url("/ttl"))[0] == 0
    assert run(capsys, "add", server.url("/busy"))[0] == 0
    server.routes["/busy"] = status(429, Retry_After="3600")
    assert run(capsys, "refresh", "Busy")[0] == 1  # answered 429: wait an hour
    ttl_hits, busy_hits = len(server.hits("/ttl")), len(server.hits("/busy"))
    out = run(capsys, "refresh", "--json")[1]  # not named: the TTL holds
    by_url = {f["url"]: f for f in json.loads(out)["feeds"]}
    assert by_url[server.url("/ttl")]["status"] == "skipped"
    assert len(server.hits("/ttl")) == ttl_hits
    out = run(capsys, "refresh", "Hourly", server.url("/busy"), "--json")[1]
    by_url = {f["url"]: f for f in json.loads(out)["feeds"]}
    assert by_url[server.url("/ttl")]["status"] in ("unchanged", "not_modified")
    assert len(server.hits("/ttl")) == ttl_hits + 1
    assert by_url[server.url("/busy")]["status"] == "skipped"  # the server said wait
    assert len(server.hits("/busy")) == busy_hits


def test_adding_a_subscribed_feed_with_section_or_title_moves_or_renames_it(
    capsys: pytest.CaptureFixture[str], server: Loopback
) -> None:
    """'add URL --section Podcasts' on a feed already subscribed said "already
    subscribed: ... in Tech" and left it there: moving a feed meant removing it, and
    its read state, and adding it again."""
    server.routes["/atp"] = static(rss("Accidental Tech Podcast"))
    assert run(capsys, "add", server.url("/atp"), "--section", "Tech")[0] == 0
    first = json.loads(run(capsys, "articles", "--json")[1])[0]["id"]
    run(capsys, "read", str(first))
    code, out, err = run(
        capsys, "add", server.url("/atp"), "--section", "Podcasts", "--title", "ATP"
    )
    assert code == 0 and out.startswith("already subscribed: [1] ATP in Podcasts")
    assert "moved to Podcasts" in err and "renamed ATP" in err
    (feed,) = json.loads(run(capsys, "feeds", "--json")[1])
    assert (feed["title"], feed["section"], feed["articles"]) == ("ATP", "Podcasts", 3)
    articles = json.loads(run(capsys, "articles", "--json")[1])
    assert {a["section"] for a in articles} == {"Podcasts"}
    assert [a["read"] for a in articles if a["id"] == first] == [True]
    # Added again without them: nothing changes.
    assert "moved" not in run(capsys, "add", server.url("/atp"))[2]


def test_read_and_unread_every_article_of_a_feed_section_or_all(
    capsys: pytest.CaptureFixture[str], feeds_dir: Path
) -> None:
    """newsboat users mark a feed or everything read from scripts; 'read' took ids only."""
    run(capsys, "add", str(feeds_dir / "world.xml"), "--section", "World")
    run(capsys, "add", str(feeds_dir / "tech.atom"), "--section", "Tech")

    def unread() -> dict[str, int]:
        return {f["section"]: f["unread"] for f in json.loads(run(capsys, "feeds", "--json")[1])}

    assert unread() == {"World": 3, "Tech": 2}
    code, out, err = run(capsys, "read", "--section", "world")  # any case, as elsewhere
    assert (code, err) == (0, "") and out == "3 articles marked read (section World).\n"
    assert unread() == {"World": 0, "Tech": 2}  # the feed_counts triggers followed
    code, out, _ = run(capsys, "read", "--feed", "Fixture Tech", "--json")
    assert code == 0 and json.loads(out) == {"state": "read", "changed": 2, "missing": []}
    assert unread() == {"World": 0, "Tech": 0}
    code, out, _ = run(capsys, "unread", "--all", "--json")
    assert code == 0 and json.loads(out) == {"state": "unread", "changed": 5, "missing": []}
    assert unread() == {"World": 3, "Tech": 2}
    code, out, _ = run(capsys, "read", "--all")
    assert code == 0 and out == "5 articles marked read (every feed).\n"
    # The id form gives the same JSON shape; unknown ids are named, exit 2.
    first = json.loads(run(capsys, "articles", "--json")[1])[0]["id"]
    code, out, err = run(capsys, "unread", str(first), "999999", "--json")
    assert code == 2 and json.loads(out) == {"state": "unread", "changed": 1, "missing": [999999]}
    assert err.strip() == "termnews: error: no article with id 999999"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["read", "--section", "Wrold"],
            "no section named 'Wrold' (have: All, Unread, Starred, World)",
        ),
        (["unread", "--feed", "nope"], "no feed matches 'nope'"),
        (["read"], "read: give article ids, or --feed F, --section S or --all"),
        (["read", "1", "--all"], "read: give article ids or --feed, --section or --all, not both"),
    ],
)
def test_read_of_many_names_a_bad_feed_or_section_in_one_line(
    capsys: pytest.CaptureFixture[str], feeds_dir: Path, argv: list[str], message: str
) -> None:
    run(capsys, "add", str(feeds_dir / "world.xml"), "--section", "World")
    code, out, err = run(capsys, *argv)
    assert (code, out) == (2, "")
    lines = err.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], err
    assert json.loads(run(capsys, "feeds", "--json")[1])[0]["unread"] == 3


def test_an_article_without_text_has_no_reading_time(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """'This article has no text.' sat under '1 min read' in the pane and in show."""
    from termnews.app.widgets.article_view import byline
    from termnews.core.store import Store

    feed = tmp_path / "bare.xml"
    feed.write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Bare</title>'
        "<item><title>Headline only</title><guid>h1</guid></item></channel></rss>",
        encoding="utf-8",
    )
    run(capsys, "add", str(feed))
    (first,) = json.loads(run(capsys, "articles", "--json")[1])
    code, out, _ = run(capsys, "show", str(first["id"]))
    assert code == 0 and "Headline only" in out and "min read" not in out
    with Store.open(Path(os.environ["TERMNEWS_DATA_DIR"]) / "termnews.db") as store:
        article = store.article(first["id"])
    assert "min read" not in byline(article, 0).plain
    assert "1 min read" in byline(article, 1).plain


def test_show_draws_a_table_without_a_header_row_without_one(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """A headerless HTML table printed as a blank line over a heavy rule, then its rows."""
    feed = tmp_path / "tables.xml"
    feed.write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Tables</title><item>'
        "<title>Results</title><guid>t1</guid><description><![CDATA[<p>Final standings:</p>"
        "<table><tr><td>Rovers</td><td>12</td></tr><tr><td>United</td><td>9</td></tr></table>"
        "]]></description></item></channel></rss>",
        encoding="utf-8",
    )
    run(capsys, "add", str(feed))
    (first,) = json.loads(run(capsys, "articles", "--json")[1])
    code, out, _ = run(capsys, "show", str(first["id"]))
    assert code == 0 and "Rovers" in out and "United" in out
    assert "━" not in out  # no header, so no rule under one


def test_show_breaks_chinese_and_japanese_lines_as_the_reader_does(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rich wrapped CJK text at any character: "。" or "」" could open a line, and a
    Latin word inside Chinese text was cut ("Deep|Mind"). The reader's kinsoku rules
    apply to ``show`` too, in the headline and in the body."""
    monkeypatch.setenv("COLUMNS", "20")
    body = "据报道，DeepMind的研究人员表示，「人工智能」已经可以利用记忆自学。这是一个新台阶。"
    title = "宇航员在太空中喝酒会怎么样？后果很严重。DeepMind新电脑"
    feed = tmp_path / "cjk.xml"
    feed.write_text(
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>新闻</title>'
        f"<item><title>{title}</title><guid>c1</guid><description>{body}</description></item>"
        "</channel></rss>",
        encoding="utf-8",
    )
    run(capsys, "add", str(feed))
    (first,) = json.loads(run(capsys, "articles", "--json")[1])
    code, out, _ = run(capsys, "show", str(first["id"]))
    assert code == 0
    lines = [line for line in out.splitlines()[1:] if line.strip()]  # below the byline
    text = "".join(lines)
    assert "据报道" in text and "后果很严重" in text
    for line in lines:
        assert line[0] not in "，。、」？", line
        assert line[-1] not in "「", line
    assert any("DeepMind" in line for line in lines)  # never cut inside the word


def test_the_reader_on_a_dumb_terminal_says_so_and_exits_2(tmp_path: Path) -> None:
    """TERM=dumb (Emacs's M-x shell): the reader drew its screen as a stream of escape
    sequences there (seen by qa17); now one line and status 2."""
    import pty

    env = {**os.environ, "TERMNEWS_DATA_DIR": str(tmp_path / "d"), "TERM": "dumb"}
    master, slave = pty.openpty()
    os.set_blocking(master, False)
    try:
        done = subprocess.run(
            [sys.executable, "-m", "termnews", "--offline"],
            env=env,
            stdin=slave,
            stdout=subprocess.PIPE,
            stderr=slave,
            timeout=60,
        )
        on_terminal = b""
        with contextlib.suppress(BlockingIOError, OSError):
            on_terminal = os.read(master, 65536)
    finally:
        os.close(slave)
        os.close(master)
    assert done.returncode == 2 and done.stdout == b""
    err = on_terminal.decode().replace("\r\n", "\n")
    assert err.startswith("termnews: error: the reader needs a terminal that can draw"), err
    assert len(err.splitlines()) == 1 and "\x1b" not in err


def test_cleanup_no_vacuum_does_not_claim_to_have_compacted(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """With no retention rules, 'cleanup --no-vacuum' said "compacted only" (seen by qa18)."""
    code, out, _ = run(capsys, "cleanup", "--no-vacuum")
    assert code == 0 and "compacted" not in out and "nothing done (--no-vacuum)" in out
    code, out, _ = run(capsys, "cleanup")
    assert code == 0 and "compacted only" in out


def test_show_breaks_its_byline_between_parts(
    capsys: pytest.CaptureFixture[str], feeds_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """At 80 columns the byline wrapped as one text: '... 08:40 · 1' and 'min read' on
    the next line (seen by qa18). It breaks only between its parts now."""
    from termnews.core.text import lines_of_parts as byline_lines

    parts = ["WORLD", "Harbour Post — World", "By Ruairí Castell", "Tue 24 Nov 2026, 08:40"]
    parts.append("1 min read")
    assert byline_lines(parts, 80) == [" · ".join(parts[:4]), "1 min read"]
    assert byline_lines(parts, 200) == [" · ".join(parts)]
    assert byline_lines(["A very long part", "x"], 5) == ["A very long part", "x"]
    monkeypatch.setenv("COLUMNS", "40")
    run(capsys, "add", str(feeds_dir / "world.xml"), "--section", "World")
    (first, *_) = json.loads(run(capsys, "articles", "--json")[1])
    lines = run(capsys, "show", str(first["id"]))[1].splitlines()
    assert any(line.endswith(" · 1 min read") or line == "1 min read" for line in lines), lines
    assert all(len(line) <= 40 for line in lines[:3]), lines


def test_a_missing_id_beside_found_ones_says_the_found_ones_were_changed(
    capsys: pytest.CaptureFixture[str], feeds_dir: Path
) -> None:
    """'read 1 99999' marked 1 read and said only 'no article with id 99999', exit 2:
    it read as if nothing had been done (seen by qa18)."""
    run(capsys, "add", str(feeds_dir / "world.xml"))
    ids = [a["id"] for a in json.loads(run(capsys, "articles", "--json")[1])]
    code, _, err = run(capsys, "star", str(ids[0]), str(ids[1]), "99999")
    assert code == 2
    assert err.strip() == "termnews: error: no article with id 99999 (the other 2 marked starred)"
    code, _, err = run(capsys, "unstar", "99998")
    assert code == 2 and err.strip() == "termnews: error: no article with id 99998"


def test_a_subscribing_command_under_demo_says_nothing_is_kept(
    capsys: pytest.CaptureFixture[str], feeds_dir: Path
) -> None:
    """'termnews --demo add URL' answered 'added [13] ...' of a subscription gone when
    it ended: --demo uses a throwaway cache (seen by qa18)."""
    code, out, err = run(capsys, "--demo", "add", str(feeds_dir / "world.xml"))
    assert code == 0 and "added" in out
    assert err.splitlines()[0] == (
        "termnews: --demo uses a throwaway cache: nothing this command changes is kept"
    )
    code, _, err = run(capsys, "--demo", "articles", "--limit", "1")
    assert code == 0 and "throwaway" not in err


def test_show_prints_emoji_as_stored_into_a_pipe_and_in_the_terminal_form_on_one(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """The cache keeps a skin tone ('👍🏽'); on a terminal 'show' prints the form every
    terminal draws at Rich's widths (in tmux the tone took two cells more, and a line
    Rich had padded to the width wrapped); a pipe or a file gets the text as stored."""
    import pty

    feed = tmp_path / "e.xml"
    feed.write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>E</title><item>'
        "<title>Thumbs 👍🏽 up</title><link>https://e.example/1</link>"
        "<description>Coder 👩\u200d💻 ships.</description></item></channel></rss>",
        encoding="utf-8",
    )
    run(capsys, "add", str(feed))
    (first,) = json.loads(run(capsys, "articles", "--json")[1])
    piped = run(capsys, "show", str(first["id"]), "--keep-unread")[1]
    assert "Thumbs 👍🏽 up" in piped and "Coder 👩\u200d💻 ships." in piped
    master, slave = pty.openpty()
    os.set_blocking(master, False)
    try:
        done = subprocess.run(
            [sys.executable, "-m", "termnews", "show", str(first["id"]), "--keep-unread"],
            env={**os.environ, "TERM": "xterm-256color", "COLUMNS": "60"},
            stdin=subprocess.DEVNULL,
            stdout=slave,
            stderr=subprocess.PIPE,
            timeout=60,
        )
        on_terminal = b""
        with contextlib.suppress(BlockingIOError, OSError):
            on_terminal = os.read(master, 65536)
    finally:
        os.close(slave)
        os.close(master)
    assert done.returncode == 0, done.stderr
    shown = on_terminal.decode()
    assert "Thumbs 👍 up" in shown and "Coder 👩💻 ships." in shown, shown
    assert "\U0001f3fd" not in shown and "\u200d" not in shown
