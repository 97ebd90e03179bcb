"""Recordings made in the tests, never fixture files: a tone written with ``wave``, the
WebM/Opus a browser's MediaRecorder sends (made with PyAV), and the bad files a form may
receive. ``dominant_frequency`` measures a decoded file's pitch (zero crossings)."""

import array
import io
import itertools
import math
import wave
from pathlib import Path

import av

TONE_HZ = 220.0
# The tag a phone or a recorder app may leave in a file: it must never be published.
SECRET_TITLE = "Temoignage de Jeanne Dupont"
SECRET_ARTIST = "Jeanne Dupont 06 12 34 56 78"


def tone_wav(seconds: float = 2.0, rate: int = 44100, channels: int = 1, hz=TONE_HZ) -> bytes:
    """A tone and its octave (quieter, so every period still crosses zero twice)."""
    samples = array.array("h")
    for i in range(int(seconds * rate)):
        t = i / rate
        value = int(12000 * (math.sin(2 * math.pi * hz * t) + 0.3 * math.sin(4 * math.pi * hz * t)))
        samples.extend([value] * channels)
    out = io.BytesIO()
    with wave.open(out, "wb") as sound:
        sound.setnchannels(channels)
        sound.setsampwidth(2)
        sound.setframerate(rate)
        sound.writeframes(samples.tobytes())
    return out.getvalue()


def empty_wav() -> bytes:
    """A valid WAV header, and not one sample."""
    out = io.BytesIO()
    with wave.open(out, "wb") as sound:
        sound.setnchannels(1)
        sound.setsampwidth(2)
        sound.setframerate(44100)
        sound.writeframes(b"")
    return out.getvalue()


def browser_webm(tmp_path: Path, seconds: float = 2.0) -> bytes:
    """Opus in WebM, as Chrome and Firefox record it, tagged with a title and an artist."""
    source, target = tmp_path / "source.wav", tmp_path / "recorded.webm"
    source.write_bytes(tone_wav(seconds, rate=48000, channels=2))
    with av.open(str(source)) as inp, av.open(str(target), "w", format="webm") as out:
        out.metadata["title"] = SECRET_TITLE
        out.metadata["artist"] = SECRET_ARTIST
        stream = out.add_stream("libopus", rate=48000)
        resampler = av.AudioResampler(format="s16", layout="stereo", rate=48000)
        for frame in inp.decode(audio=0):
            for ready in resampler.resample(frame):
                for packet in stream.encode(ready):
                    out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    return target.read_bytes()


PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
HTML = b"<!doctype html><html><body><audio src=x></audio><script>alert(1)</script></body></html>"
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)


def decoded(data: bytes) -> tuple[array.array, int, float]:
    """The samples of the first channel (16-bit), their rate, and the duration."""
    samples = array.array("h")
    rate = 0
    with av.open(io.BytesIO(data)) as container:
        resampler = None
        for frame in container.decode(audio=0):
            rate = frame.sample_rate
            resampler = resampler or av.AudioResampler(format="s16", layout="mono", rate=rate)
            for ready in resampler.resample(frame):
                samples.frombytes(bytes(ready.planes[0])[: ready.samples * 2])
    return samples, rate, len(samples) / rate


def dominant_frequency(data: bytes) -> float:
    """The pitch of a decoded file, from its zero crossings (away from its edges)."""
    samples, rate, _duration = decoded(data)
    middle = samples[len(samples) // 5 : len(samples) * 4 // 5]
    crossings = sum(1 for a, b in itertools.pairwise(middle) if (a < 0 <= b) or (b < 0 <= a))
    return crossings / 2 / (len(middle) / rate)


def metadata_of(data: bytes) -> dict:
    """Every tag FFmpeg reads in the file, its container's and its stream's."""
    with av.open(io.BytesIO(data)) as container:
        return {**container.metadata, **container.streams.audio[0].metadata}


def add_published_spoken(proposal, transcripts, duration_seconds=12.0, media_bytes=64):
    """Published, converted, disguised spoken testimonies on the proposal, one per
    transcript, with no text of their own (the database's rows, no conversion)."""
    from app.extensions import db
    from app.models import (
        AudioRecording,
        AudioState,
        Contribution,
        ContributionKind,
        ContributionState,
        DisplayMode,
    )

    for transcript in transcripts:
        contribution = Contribution(
            proposal=proposal,
            kind=ContributionKind.TESTIMONY,
            body="",
            display_mode=DisplayMode.ANONYMOUS,
            state=ContributionState.PUBLISHED,
        )
        contribution.audio = AudioRecording(
            state=AudioState.READY,
            disguised=True,
            duration_seconds=duration_seconds,
            media_type="audio/mpeg",
            media=b"\xff\xfb" * (media_bytes // 2),
            media_size=media_bytes,
            transcript=transcript,
        )
        db.session.add(contribution)
    db.session.commit()
