"""Archive packages (GB/T 18894-2016, DA/T 46, DA/T 70-2018) for any sealed subject.

Generic on purpose: the apps that own a subject register an adapter (``registry``) that hands
over its content files, its DA/T 46 metadata and its record; this package writes the BagIt
package (RFC 8493) with SHA-256 and SM3 manifests and runs the four-property check on it.
"""
