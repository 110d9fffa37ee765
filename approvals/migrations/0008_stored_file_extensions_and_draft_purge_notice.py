"""Stored uploads get the extension of their detected type; drafts remember when their owner was told of a purge.

Files stored before had a random name with no extension. Each one gets a second name with the
extension of the type read from its content when it was uploaded (a hard link on the file
system, a copy elsewhere); the row points to the new name and the old name is removed once
the migration has committed, so a failed migration leaves every row with a readable file.
Existing files and folders also lose their world permissions (FILE_UPLOAD_PERMISSIONS).
"""

import logging
import os
import posixpath

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import migrations, models, transaction

logger = logging.getLogger(__name__)

# As approvals.uploads.SNIFFED had it when this migration was written.
EXTENSIONS = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}


def _second_name(storage, name: str, new: str) -> str | None:
    """Give the stored file `name` the name `new` too; return the name it got, or None if it is missing."""
    try:
        source = storage.path(name)
    except NotImplementedError:
        source = None
    if source is not None:
        try:
            os.link(source, storage.path(new))
            return new
        except FileNotFoundError:
            return None
        except FileExistsError:
            return new if os.path.samefile(source, storage.path(new)) else None
        except OSError:
            pass  # no hard links on this file system: copy below
    if not storage.exists(name):
        return None
    with storage.open(name, "rb") as handle:
        return storage.save(new, handle)


def _restrict_modes(storage) -> None:
    """Take world (and group write) permissions off the files and folders already stored."""
    file_mode = settings.FILE_UPLOAD_PERMISSIONS
    folder_mode = settings.FILE_UPLOAD_DIRECTORY_PERMISSIONS
    try:
        root = storage.path("")
    except NotImplementedError:
        return
    if not os.path.isdir(root):
        return
    for folder, folders, files in os.walk(root):
        changes = [(folders, folder_mode), (files, file_mode)]
        for names, mode in changes:
            for name in names if mode is not None else ():
                try:
                    os.chmod(os.path.join(folder, name), mode)
                except OSError:  # another account's file: the operator's to fix, not a reason to stop
                    logger.warning("Could not restrict the mode of %s", os.path.join(folder, name))


def add_extensions(apps, schema_editor):
    MaterialFile = apps.get_model("approvals", "MaterialFile")
    storage = default_storage
    renamed = 0
    for record in MaterialFile.objects.only("pk", "file", "content_type").iterator():
        name = record.file.name
        extension = EXTENSIONS.get(record.content_type)
        if not name or not extension or posixpath.splitext(name)[1]:
            continue
        new = _second_name(storage, name, f"{name}.{extension}")
        if new is None:
            logger.warning("Material file %s: %s is missing from storage; its name is left alone", record.pk, name)
            continue
        MaterialFile.objects.filter(pk=record.pk).update(file=new)
        transaction.on_commit(lambda old=name: storage.delete(old), using=schema_editor.connection.alias)
        renamed += 1
    if renamed:
        logger.info("Stored material files given their type's extension: %d", renamed)
    _restrict_modes(storage)


class Migration(migrations.Migration):
    dependencies = [
        ("approvals", "0007_one_legal_clock"),
    ]

    operations = [
        migrations.AddField(
            model_name="application",
            name="purge_notice_at",
            field=models.DateTimeField(
                blank=True,
                editable=False,
                help_text="When the applicant was told that this untouched draft will be deleted.",
                null=True,
                verbose_name="told of deletion",
            ),
        ),
        migrations.AlterField(
            model_name="materialfile",
            name="original_name",
            field=models.CharField(
                help_text="The name the file had on the uploader's computer: kept as data, never used as a path or a type.",
                max_length=200,
                verbose_name="original file name",
            ),
        ),
        # Reversing keeps the new names: a name with an extension is as good a name as before.
        migrations.RunPython(add_extensions, migrations.RunPython.noop),
    ]
