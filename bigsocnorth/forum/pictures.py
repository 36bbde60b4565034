"""Pictures under forum posts: checked with the post, saved in its transaction.

Every upload goes through core.images: its size and dimensions are checked
before it is decoded, then it is re-encoded as a fresh JPEG, so no EXIF,
GPS position or camera details reach the page. Each picture needs a
description for people who cannot see it, and a post carries at most
PostPicture.PER_POST_MAX of them.

Checking (`check_pictures`) writes nothing. Saving (`pictures_stored`)
stores the files before the post's transaction and removes them again if
anything in it fails, so a refused or failed post leaves no file behind; a
removed picture's file goes only once the removal is committed (the rule
core.files.writing_with_file keeps for one file, here for several at once).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from bigsocnorth.core.images import ImageRules, image_clean
from bigsocnorth.core.text import without_control_characters
from bigsocnorth.forum.limits import check_picture_limits
from bigsocnorth.forum.models import Post, PostPicture

PICTURE_RULES = ImageRules(
    max_bytes=10 * 1_048_576, max_side=8000, output_side=1600, output_format="JPEG"
)
PICTURES_MAX = PostPicture.PER_POST_MAX
# Where the service's problems with pictures are reported (a form's picture fields).
FIELD = "pictures"


@dataclass(frozen=True)
class NewPicture:
    """A picture sent with a post: the uploaded file and its description.

    `number` is its place among the form's pictures ("Picture 2"), when it
    is not simply its place in the list.
    """

    upload: object | None
    alt: str = ""
    number: int | None = None


@dataclass(frozen=True)
class CheckedPicture:
    content: ContentFile
    alt: str


def _as_new(picture) -> NewPicture:
    if isinstance(picture, NewPicture):
        return picture
    upload, alt = picture
    return NewPicture(upload=upload, alt=alt)


def _given(picture: NewPicture) -> bool:
    return bool(picture.upload) or bool(str(picture.alt or "").strip())


def check_pictures(*, user, pictures: Iterable = (), kept: int = 0) -> list[CheckedPicture]:
    """The pictures cleaned and ready to save, or one ValidationError with every problem.

    `pictures`: NewPicture or (upload, alt) pairs; a pair with neither file
    nor description is an empty row of the form and is left out. `kept`:
    how many pictures the post keeps (when editing).
    """
    wanted = [picture for picture in map(_as_new, pictures) if _given(picture)]
    if not wanted:
        return []
    # The first day's limit says all there is to say: the files are not read.
    check_picture_limits(user=user)
    if kept + len(wanted) > PICTURES_MAX:
        if kept:
            message = _(
                "A post can have up to %(max)d pictures. It has %(kept)d already, so you can "
                "add %(room)d more; remove some to make room."
            ) % {"max": PICTURES_MAX, "kept": kept, "room": max(0, PICTURES_MAX - kept)}
        else:
            message = _(
                "A post can have up to %(max)d pictures; you chose %(count)d. "
                "Leave some out, or put them in a second post."
            ) % {"max": PICTURES_MAX, "count": len(wanted)}
        raise ValidationError({FIELD: [message]})
    problems: list[str] = []
    checked: list[CheckedPicture] = []
    for place, picture in enumerate(wanted, start=1):
        number = picture.number or place
        found = _problems(picture)
        content = None
        if picture.upload and not found:
            try:
                content = image_clean(upload=picture.upload, rules=PICTURE_RULES)
            except ValidationError as error:
                found = error.messages
        problems += [
            _("Picture %(number)d: %(problem)s") % {"number": number, "problem": problem}
            for problem in found
        ]
        if content is not None:
            checked.append(CheckedPicture(content=content, alt=_clean_alt(picture.alt)))
    if problems:
        raise ValidationError({FIELD: problems})
    return checked


def _clean_alt(alt) -> str:
    return " ".join(without_control_characters(str(alt or ""), keep_newlines=False).split())


def _problems(picture: NewPicture) -> list[str]:
    alt = _clean_alt(picture.alt)
    found = []
    if not picture.upload:
        found.append(
            _(
                "There is a description but no file. Choose the file again: a form sent "
                "back with a problem does not keep the files chosen."
            )
        )
    if not alt:
        found.append(_("Describe the picture for people who cannot see it."))
    elif len(alt) > PostPicture.ALT_MAX:
        found.append(
            _("A description can be up to %(max)d characters; this one has %(count)d.")
            % {"max": PostPicture.ALT_MAX, "count": len(alt)}
        )
    return found


@contextmanager
def pictures_stored(checked: list[CheckedPicture]) -> Iterator[Callable[[Post], None]]:
    """Store the pictures' files now; give back `attach(post)`, which saves their rows.

    Use around the post's transaction, with attach() called inside it:

        with pictures_stored(checked) as attach, transaction.atomic():
            post.save()
            attach(post)

    If anything in the block fails (the transaction included), the files
    stored here are removed again.
    """
    pictures: list[PostPicture] = []
    try:
        for picture in checked:
            row = PostPicture(alt=picture.alt)
            pictures.append(row)
            row.image.save("picture.jpg", picture.content, save=False)
        yield lambda post: _attach(post, pictures)
    except BaseException:
        for row in pictures:
            if row.image.name:
                row.image.storage.delete(row.image.name)
        raise


def _attach(post: Post, pictures: list[PostPicture]) -> None:
    if not pictures:
        return
    last = post.pictures.aggregate(last=Max("position"))["last"] or 0
    for position, row in enumerate(pictures, start=last + 1):
        row.post = post
        row.position = position
    PostPicture.objects.bulk_create(pictures)


def pictures_to_remove(*, post: Post, ids: Iterable = ()) -> list[PostPicture]:
    """The post's pictures among `ids`; anything else (another post's, nonsense) is ignored."""
    wanted = set()
    for value in list(ids)[: PICTURES_MAX * 4]:
        try:
            wanted.add(int(value))
        except (TypeError, ValueError):
            continue
    if not wanted:
        return []
    return list(PostPicture.objects.filter(post=post, pk__in=wanted))


def pictures_remove(pictures: list[PostPicture]) -> None:
    """Delete the rows now and their files once that is committed. Call inside a transaction."""
    if not pictures:
        return
    names = [picture.image.name for picture in pictures]
    storage = pictures[0].image.storage
    PostPicture.objects.filter(pk__in=[picture.pk for picture in pictures]).delete()
    transaction.on_commit(lambda: [storage.delete(name) for name in names])
