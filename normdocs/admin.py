"""Admin: the register of normative documents, read-only (every change goes through the
services and their lifecycle), with one way in: importing a legacy register (issue 17)."""

import os

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadhandler import StopUpload
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from workflows.uploads import MULTIPART_OVERHEAD, UploadLimitHandler, upload_files

from .models import FilingBody, NormativeDocument
from .services import normdoc_register_import, register_rows_read
from .services.imports import REGISTER_EXTENSIONS, REGISTER_REQUIRED, register_import_max_bytes


class RegisterUploadHandler(UploadLimitHandler):
    """Put first for the register upload only: stops the parser, without reading on, at a file
    whose name is not .xlsx or .csv, at a body longer than a register may be, and as soon as
    the file passes ``register_import_max_bytes()`` — before the body is held anywhere."""

    def new_file(self, field_name, file_name, *args, **kwargs):
        self.field_name, self.file_name = field_name, file_name
        if os.path.splitext(file_name or "")[1].lower() not in REGISTER_EXTENSIONS:
            self.request.register_upload_refused = "type"
            raise StopUpload(connection_reset=True)
        if self.body_length > register_import_max_bytes() + MULTIPART_OVERHEAD:
            self.refuse_size()

    def receive_data_chunk(self, raw_data, start):
        if start + len(raw_data) > register_import_max_bytes():
            self.refuse_size()
        return raw_data

    def refuse_size(self):
        self.request.register_upload_refused = "size"
        raise StopUpload(connection_reset=True)


class RegisterImportForm(forms.Form):
    file = forms.FileField(
        label=_("register file"),
        help_text=_(
            "An .xlsx or UTF-8 .csv file, the header in row 1. Required columns: 标题, 发文字号, "
            "制定机关, 发布日期; optional: 施行日期, 有效期至, 状态, 索引号."
        ),
    )
    dry_run = forms.BooleanField(label=_("check only, import nothing"), required=False)


@admin.register(NormativeDocument)
class NormativeDocumentAdmin(admin.ModelAdmin):
    list_display = ["number", "title", "drafting_body", "status", "published_on", "valid_until"]
    list_filter = ["status", "drafting_body"]
    search_fields = ["number", "title", "index_number"]
    change_list_template = "admin/normdocs/normativedocument/change_list.html"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        name = f"{self.opts.app_label}_{self.opts.model_name}_import"

        @csrf_exempt
        def import_view(request):
            # The handler goes in before anything reads the body (the CSRF check included,
            # which is why that check runs here, after it).
            request.upload_handlers.insert(0, RegisterUploadHandler(request))
            return csrf_protect(self.import_view)(request)

        view = self.admin_site.admin_view(import_view)
        return [path("import/", view, name=name), *super().get_urls()]

    def import_view(self, request):
        """Upload a register; the same report as ``normdocs_import``: imported, already in the
        register, and every refused row with its number and reason."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        report = None
        if request.method == "POST":
            files = upload_files(request)
            refused = getattr(request, "register_upload_refused", None)
            form = RegisterImportForm(request.POST, files)
            if refused == "type":
                form.add_error(None, _("A register is imported from an .xlsx or .csv file."))
            elif refused == "size":
                form.add_error(
                    None,
                    _("The file is larger than %(limit)s bytes.")
                    % {"limit": register_import_max_bytes()},
                )
            elif form.is_valid():
                upload = form.cleaned_data["file"]
                try:
                    rows = register_rows_read(content=upload.read(), filename=upload.name)
                except ValidationError as error:
                    form.add_error("file", error)
                else:
                    report = normdoc_register_import(
                        by=request.user, rows=rows, dry_run=form.cleaned_data["dry_run"]
                    )
        else:
            form = RegisterImportForm()
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Import a legacy register"),
            "form": form,
            "report": report,
            "required": "、".join(REGISTER_REQUIRED),
            "max_bytes": register_import_max_bytes(),
        }
        return TemplateResponse(request, "admin/normdocs/normativedocument/import.html", context)


@admin.register(FilingBody)
class FilingBodyAdmin(admin.ModelAdmin):
    """The bodies outside the installation a government files with (令第218号): the prefecture
    government and the people's congress standing committee. An administrator names them and
    renames the placeholder the migration made for filings whose receiver was unknown."""

    list_display = ["name", "kind", "filer", "active"]
    list_filter = ["kind", "active"]
    search_fields = ["name"]
