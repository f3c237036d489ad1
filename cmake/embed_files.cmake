# Writes a C++ source that defines `std::vector<scim::EmbeddedFile> NAMESPACE::files()` holding the given files'
# text, so the binary carries its schemas and migrations and runs from any directory.
# Invoked as: cmake -DOUTPUT=... -DNAMESPACE=... -DHEADER=... -DFILES="a;b" -P embed_files.cmake
set(body "")
foreach(path IN LISTS FILES)
  file(READ "${path}" content)
  get_filename_component(name "${path}" NAME)
  string(APPEND body "        {\"${name}\", R\"scimd_embedded(${content})scimd_embedded\"},\n")
endforeach()
file(WRITE "${OUTPUT}.tmp"
"// Generated from files in the source tree; do not edit.\n#include \"${HEADER}\"\n\nnamespace ${NAMESPACE} {\n\nstd::vector<scim::EmbeddedFile> const& files() {\n    static std::vector<scim::EmbeddedFile> const all{\n${body}    };\n    return all;\n}\n\n}  // namespace ${NAMESPACE}\n")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
