"""Jira: one typed interface (``protocol.JiraSite``), its implementations, the HTTP beneath.

``protocol`` (what the scan and the cleanup ask of a site), ``connect`` (the one place an
implementation is chosen), ``auth`` (credentials), ``cloud/`` (Jira Cloud, REST v3); shared by
every implementation: ``transport`` (the governed request path, the only retry loop),
``governor`` (rate budgets), ``errors``, ``site`` (URL checks), ``jql``, ``parse`` (issue JSON
to records), ``document`` (a comment's text), ``links`` (URLs people open).
"""
