"""The interactive teaching app (Mesa SolaraViz): ``clustersim-app`` or ``make app``.

``presets`` finds the preset groups and exercises on disk, ``live`` is the app's model with
interventions, ``charts`` draws, ``explain`` says why, ``comparison`` runs the no-policy twin,
``app`` is the Solara page, ``assets`` fills the offline asset cache, ``launch`` starts it all.
"""
