"""Offline guard: loading the seed and running every analysis touches no network.

The check runs in a fresh interpreter whose guards are installed before the
package is imported, so import-time downloads are caught too. Any socket
connection, DNS lookup, ``urllib`` request or ``nltk.download`` raises; any
NLTK resource lookup must resolve to a file shipped in an installed wheel or
in this repository.
"""

import subprocess
import sys
import textwrap

from analysis import paths

SCRIPT = textwrap.dedent(
    """
    import socket, sys, urllib.request
    from pathlib import Path

    def refuse(*args, **kwargs):
        raise RuntimeError("network access attempted: " + repr(args[:2]))

    socket.socket.connect = refuse
    socket.socket.connect_ex = refuse
    socket.create_connection = refuse
    socket.getaddrinfo = refuse
    urllib.request.urlopen = refuse

    import nltk, nltk.data, nltk.downloader
    nltk.download = refuse
    nltk.downloader.download = refuse
    nltk.downloader.Downloader.download = refuse
    found = []
    original_find = nltk.data.find
    def find(resource, paths=None):
        result = original_find(resource, paths)
        found.append(str(result))
        return result
    nltk.data.find = find

    from analysis import (actors, corpus, describe, framing, keyness, paths, sentiment,
                          stance, tokenise, voices)
    doc = corpus.load(paths.SEED_TEXT)
    tables = {
        "sentences": tokenise.sentences(doc),
        "words": tokenise.words(doc),
        "sections": describe.sections(doc),
        "frames": framing.count(doc),
        "dispersion": framing.dispersion(doc),
        "keywords": keyness.keywords(doc),
        "collocates": keyness.collocates(doc, "alliance"),
        "mentions": actors.mentions(doc),
        "candidates": actors.candidates(doc),
        "sentiment": sentiment.toward_actors(doc),
        "sentence_score": sentiment.sentence_scores(doc),
        "stance": stance.markers(doc),
        "density": stance.density(doc),
        "quotations": voices.quotations(doc),
    }
    assert all(len(t) for t in tables.values()), [k for k, t in tables.items() if not len(t)]
    allowed = (str(Path(sys.prefix).resolve()), str(paths.ROOT))
    outside = [f for f in found if not str(Path(f.replace("file:", "")).resolve()).startswith(allowed)]
    assert not outside, outside
    print("offline ok", len(tables))
    """
)


def test_every_analysis_runs_offline(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "NLTK_DATA": str(tmp_path / "no-nltk-data"),
           "MPLBACKEND": "Agg", "MPLCONFIGDIR": str(tmp_path / "mpl")}
    proc = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, env=env,
                          cwd=tmp_path, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "offline ok 14" in proc.stdout


def test_guard_catches_a_download(tmp_path):
    script = SCRIPT.split("from analysis import")[0] + "nltk.download('punkt')\n"
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=tmp_path)
    assert proc.returncode != 0 and "network access attempted" in proc.stderr


def test_package_source_never_calls_download():
    for path in paths.PACKAGE.rglob("*.py"):
        assert "nltk.download(" not in path.read_text(encoding="utf-8"), path
