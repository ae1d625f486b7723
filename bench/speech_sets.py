"""Build a held-out set of real recordings (bench/speech_fresh*/build.py) from bare clones of its sources.

Each source is a bare clone at MIRROR/<owner>+<name>/repo (``git clone --bare
https://github.com/<owner>/<name> MIRROR/<owner>+<name>/repo``; MIRROR defaults to /work/.mirror).
Whole files are copied byte for byte from the git blob (its id is checked); cuts of WAV
files slice the PCM data chunk (format unchanged); cuts of compressed sources (mp3, opus)
are decoded with soundfile and written as 16-bit FLAC. Writes OUT/audio/ and OUT/manifest.tsv.
"""

import hashlib
import io
import os
import struct
import subprocess

import soundfile as sf

MIR = os.environ.get("MIRROR", "/work/.mirror")


def git_blob(repo, commit, path):
    g = f"{MIR}/{repo.replace('/', '+')}/repo"
    line = subprocess.run(
        ["git", f"--git-dir={g}", "ls-tree", commit, "--", path], capture_output=True, text=True, check=True
    ).stdout.split()
    assert line and line[1] == "blob", (repo, commit, path, line)
    sha = line[2]
    data = subprocess.run(["git", f"--git-dir={g}", "cat-file", "-p", sha], capture_output=True, check=True).stdout
    assert hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest() == sha
    return sha, data


def wav_slice(data, t0, t1):
    """Cut a RIFF/WAVE file by slicing its data chunk; keeps the fmt chunk byte-identical."""
    assert data[:4] == b"RIFF" and data[8:12] == b"WAVE"
    pos, fmt, dat = 12, None, None
    while pos + 8 <= len(data):
        cid, size = data[pos : pos + 4], struct.unpack("<I", data[pos + 4 : pos + 8])[0]
        body = data[pos + 8 : pos + 8 + size]
        if cid == b"fmt ":
            fmt = body
        elif cid == b"data":
            dat = body
        pos += 8 + size + (size & 1)
    tag, ch, sr, _, ba = struct.unpack("<HHIIH", fmt[:14])
    a, b = int(round(t0 * sr)), int(round(t1 * sr))
    b = min(b, len(dat) // ba)
    piece = dat[a * ba : b * ba]
    chunks = b"fmt " + struct.pack("<I", len(fmt)) + fmt
    if tag != 1:  # non-PCM (e.g. float / extensible) -> add fact chunk
        chunks += b"fact" + struct.pack("<II", 4, b - a)
    chunks += b"data" + struct.pack("<I", len(piece)) + piece + (b"\0" if len(piece) & 1 else b"")
    return b"RIFF" + struct.pack("<I", 4 + len(chunks)) + b"WAVE" + chunks


def decode_cut_to_flac(data, t0, t1, channel, out):
    x, sr = sf.read(io.BytesIO(data), always_2d=True, dtype="float32")
    x = x[:, channel] if channel is not None else (x[:, 0] if x.shape[1] == 1 else x)
    seg = x[int(round(t0 * sr)) : int(round(t1 * sr))]
    sf.write(out, seg, sr, format="FLAC", subtype="PCM_16")


def build(clips, root_out):
    """Write ``clips`` (name, repo, commit, path, cut, kind, licence, notes) to ROOT_OUT/audio and its manifest."""
    out_dir = os.path.join(root_out, "audio")
    os.makedirs(out_dir, exist_ok=True)
    rows = []
    for name, repo, commit, path, cut, kind, lic, notes in clips:
        sha, data = git_blob(repo, commit, path)
        out = os.path.join(out_dir, name)
        if cut is None:
            open(out, "wb").write(data)
        elif path.lower().endswith(".wav"):
            assert cut[2] is None
            open(out, "wb").write(wav_slice(data, cut[0], cut[1]))
        else:
            decode_cut_to_flac(data, cut[0], cut[1], cut[2], out)
        info = sf.info(out)
        rows.append(
            dict(
                file=f"audio/{name}",
                seconds=f"{info.duration:.3f}",
                sample_rate=str(info.samplerate),
                kind=kind,
                source_repo=repo,
                source_path=path,
                commit=commit,
                source_blob_sha1=sha,
                licence=lic,
                speaker_notes=notes
                + (
                    ""
                    if cut is None
                    else f"; excerpt {cut[0]:.2f}-{cut[1]:.2f} s of the source"
                    + ("" if cut[2] is None else f", channel {cut[2]}")
                ),
            )
        )
        print(f"{name:48s} {info.duration:6.2f}s {info.samplerate} ch{info.channels} {os.path.getsize(out)}")

    cols = [
        "file",
        "seconds",
        "sample_rate",
        "kind",
        "source_repo",
        "source_path",
        "commit",
        "source_blob_sha1",
        "licence",
        "speaker_notes",
    ]
    with open(os.path.join(root_out, "manifest.tsv"), "w", encoding="utf-8") as f:
        f.write("\t".join(cols) + "\n")
        for r in rows:
            assert not any("\t" in r[c] or "\n" in r[c] for c in cols)
            f.write("\t".join(r[c] for c in cols) + "\n")
    print(len(rows), "clips")
