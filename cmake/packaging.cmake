# Installation layout and the Debian package: 'cmake --build build --target package' writes
# build/scimd_<version>_amd64.deb with the runtime libraries as Depends (found by dpkg-shlibdeps), a scimd system
# user, /etc/scimd/scimd.conf as a conffile and the systemd unit.
include(GNUInstallDirs)
set(debian_dir "${PROJECT_SOURCE_DIR}/deploy/debian")

install(TARGETS scimd RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(FILES "${debian_dir}/scimd.conf" DESTINATION /etc/scimd PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ)
install(FILES "${debian_dir}/scimd.service" DESTINATION lib/systemd/system)
install(FILES "${PROJECT_SOURCE_DIR}/README.md" "${PROJECT_SOURCE_DIR}/docs/operations.md"
              "${PROJECT_SOURCE_DIR}/docs/performance.md" "${PROJECT_SOURCE_DIR}/docs/events.md"
              "${PROJECT_SOURCE_DIR}/docs/authentication.md" "${PROJECT_SOURCE_DIR}/docs/scaling.md"
        DESTINATION ${CMAKE_INSTALL_DOCDIR})

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME scimd)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "scimd maintainers <scimd@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "SCIM 2.0 provisioning server on PostgreSQL")
set(CPACK_PACKAGE_DESCRIPTION
    "scimd serves RFC 7643/7644 SCIM 2.0 for users and groups, with a phone system's directory model, to \
provisioning clients such as Okta and Microsoft Entra ID. PostgreSQL holds all of its state.")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "adduser")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "postgresql (>= 15)")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    "${debian_dir}/postinst;${debian_dir}/prerm;${debian_dir}/postrm;${debian_dir}/conffiles")
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION TRUE)
include(CPack)
