"""The version counters behind the page cache: one per tag, bumped when a commit changes what
pages with that tag show (computed from each story's state before and after the flush), in
Redis when REDIS_URL is set, otherwise in a memory-mapped file shared by the workers of one
machine; and the publish generation, which keeps plain data derived from public content
(`per_generation`)."""

from __future__ import annotations

import fcntl
import mmap
import os
import struct
import zlib
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import sqlalchemy.orm as so
from flask import current_app

from storyhub.models import Diagnosis, DiagnosisName, Story, Topic, TopicText
from storyhub.services import cache_tags

_TAXONOMY = (Topic, TopicText, Diagnosis, DiagnosisName)


GENERATION = "generation"  # moves on with every change to public content


class FileVersions:
    """Version counters shared by the workers of one machine: a memory-mapped file of
    SLOTS 64-bit counters; a tag's counter is the slot its name hashes to (slot 0 is the
    publish generation). Two tags sharing a slot only make a page stale for nothing; reads
    take no lock and no system call. Counters only ever grow: a read torn by a concurrent
    write gives a value no later read gives, so at worst a page is not served: safe."""

    SLOTS = 1 << 16

    def __init__(self, path: Path) -> None:
        self.path = path
        self.lock_path = path.with_name(path.name + ".lock")
        path.parent.mkdir(parents=True, exist_ok=True)
        size = self.SLOTS * 8
        with open(self.lock_path, "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
            try:
                if os.fstat(descriptor).st_size < size:
                    os.ftruncate(descriptor, size)  # new slots read as zero
                self.map = mmap.mmap(descriptor, size)  # shared: every worker sees each write
            finally:
                os.close(descriptor)

    @classmethod
    def slot(cls, tag: str) -> int:
        if tag == GENERATION:
            return 0
        return 1 + zlib.crc32(tag.encode()) % (cls.SLOTS - 1)

    def read(self, tags: Sequence[str]) -> list[int]:
        return [_COUNTER.unpack_from(self.map, 8 * self.slot(tag))[0] for tag in tags]

    def bump(self, tags: Iterable[str]) -> None:
        slots = sorted({self.slot(tag) for tag in tags} - {0})
        with open(self.lock_path, "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # one writer at a time: no two bumps collapse
            # The generation first: a page rendered meanwhile sees it move and is not stored
            # (PageCacheMiddleware.run_and_store).
            for slot in (0, *slots):
                (current,) = _COUNTER.unpack_from(self.map, 8 * slot)
                _COUNTER.pack_into(self.map, 8 * slot, current + 1)


_COUNTER = struct.Struct("=Q")


class RedisVersions:
    """Version counters in Redis, shared by every worker on every machine: read with one
    MGET, bumped in one transaction (so no reader sees some of a change's tags moved)."""

    def __init__(self, client: Any, prefix: str) -> None:
        self.client, self.prefix = client, prefix

    def _key(self, tag: str) -> str:
        return f"{self.prefix}page-generation" if tag == GENERATION else f"{self.prefix}tag:{tag}"

    def read(self, tags: Sequence[str]) -> list[int]:
        return [int(value or 0) for value in self.client.mget([self._key(t) for t in tags])]

    def bump(self, tags: Iterable[str]) -> None:
        pipe = self.client.pipeline(transaction=True)
        for tag in (GENERATION, *sorted(set(tags) - {GENERATION})):
            pipe.incr(self._key(tag))
        pipe.execute()


class Generation:
    """The publish generation alone (read as text), for `per_generation` and tests."""

    def __init__(self, versions: FileVersions | RedisVersions) -> None:
        self.versions = versions

    def read(self) -> str:
        return str(self.versions.read([GENERATION])[0])

    def bump(self) -> None:
        self.versions.bump([cache_tags.ALL])


def _versions() -> FileVersions | RedisVersions:
    return current_app.extensions["storyhub-page-versions"]


def _generation() -> Generation:
    return current_app.extensions["storyhub-page-generation"]


def current_generation() -> str:
    """The publish generation now: any change to public content moves it on."""
    return _generation().read()


def invalidate(tags: Iterable[str] = (cache_tags.ALL,)) -> None:
    """Make the pages with these tags stale (by default every page: bulk loads that bypass
    the ORM call this)."""
    _versions().bump(tags)


T = TypeVar("T")


def per_generation(key: tuple[Any, ...], compute: Callable[[], T]) -> T:
    """`compute()`, kept by this worker until public content next changes.

    For plain data derived from public content that many requests need (story counts,
    the taxonomy): the generation is part of the key, so a value computed before a change is
    never returned after it, in any worker. Values must be plain data, not ORM objects."""
    memo: dict[tuple[Any, ...], Any] = current_app.extensions["storyhub-generation-memo"]
    generation = _generation().read()
    full_key = (generation, *key)
    try:
        return memo[full_key]
    except KeyError:
        pass
    value = compute()
    if any(stored[0] != generation for stored in list(memo)):
        memo.clear()  # a new generation: the old values are never asked for again
    memo[full_key] = value
    return value


def _changed_tags(session: so.Session) -> set[str]:
    """The tags of every page a flush of this session may change. Before the flush, so each
    story's stored state (what pages show now) can still be read next to its new one."""
    tags: set[str] = set()
    deleted = set(session.deleted)
    for obj in (*session.new, *session.dirty, *deleted):
        if isinstance(obj, _TAXONOMY):
            tags.add(cache_tags.ALL)  # rare: names and the tree show on every page
        elif isinstance(obj, Story):
            new, gone = obj in session.new, obj in deleted
            if (new or gone or session.is_modified(obj)) and cache_tags.is_public_change(obj):
                tags |= cache_tags.story_change_tags(obj, new, gone)
    return tags


def before_flush(session: so.Session, _context: Any, _instances: Any) -> None:
    tags = _changed_tags(session)
    if tags:
        session.info.setdefault("pagecache_tags", set()).update(tags)


def after_commit(session: so.Session) -> None:
    tags = session.info.pop("pagecache_tags", None)
    if tags:
        _versions().bump(tags)


def after_rollback(session: so.Session) -> None:
    session.info.pop("pagecache_tags", None)
