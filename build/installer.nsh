; Included by electron-builder's NSIS script (nsis.include in electron-builder.yml).
; Registers ringdesk:// at install time, so a link works before Ringdesk's first start.
; SHCTX is HKLM for a per-machine install (/allusers) and HKCU for a per-user one.

!macro customInstall
  WriteRegStr SHCTX "Software\Classes\ringdesk" "" "URL:Ringdesk link"
  WriteRegStr SHCTX "Software\Classes\ringdesk" "URL Protocol" ""
  WriteRegStr SHCTX "Software\Classes\ringdesk\DefaultIcon" "" "$INSTDIR\${APP_EXECUTABLE_FILENAME},0"
  WriteRegStr SHCTX "Software\Classes\ringdesk\shell\open\command" "" '"$INSTDIR\${APP_EXECUTABLE_FILENAME}" "%1"'
!macroend

!macro customUnInstall
  ; An update runs the old uninstaller first: keep the link registered through it.
  ${ifNot} ${isUpdated}
    DeleteRegKey SHCTX "Software\Classes\ringdesk"
  ${endIf}
!macroend
