"""python manage.py normdocs_import FILE.xlsx|FILE.csv --by USERNAME [--dry-run]

Enters a legacy register of normative documents (the header in row 1: 标题, 发文字号, 制定机关,
发布日期 required; 施行日期, 有效期至, 状态, 索引号 optional — see
``normdocs.services.imports.REGISTER_COLUMNS``). Each row is imported whole or not at all; the
refused rows are reported with their row number and reason. Importing the same file again
changes nothing.
"""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from normdocs.services import normdoc_register_import, register_rows_read
from normdocs.services.imports import register_import_max_bytes


class Command(BaseCommand):
    help = "Import a legacy register of normative documents from an .xlsx or .csv file."

    def add_arguments(self, parser):
        parser.add_argument("file", help="the register, .xlsx or UTF-8 .csv")
        parser.add_argument(
            "--by", required=True, help="username of the publisher or administrator importing"
        )
        parser.add_argument("--dry-run", action="store_true", help="check every row, keep none")

    def handle(self, *args, file, by, dry_run, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No such file: {file}")
        if path.stat().st_size > register_import_max_bytes():
            raise CommandError(f"{file} is larger than {register_import_max_bytes()} bytes.")
        try:
            user = get_user_model().objects.get(username=by)
        except get_user_model().DoesNotExist as error:
            raise CommandError(f"No such user: {by}") from error
        try:
            rows = register_rows_read(content=path.read_bytes(), filename=path.name)
        except ValidationError as error:
            with translation.override("zh-hans"):
                raise CommandError("；".join(error.messages)) from error
        report = normdoc_register_import(by=user, rows=rows, dry_run=dry_run)
        for refusal in report.refused:
            self.stdout.write(f"第{refusal.row}行 {refusal.number}：{refusal.reason}")
        verb = "可导入" if dry_run else "已导入"
        self.stdout.write(
            f"共{report.rows}行：{verb}{len(report.imported)}件，"
            f"已在登记簿中{len(report.unchanged)}件，拒绝{len(report.refused)}行"
            + ("（试运行，未写入）" if dry_run else "")
        )
