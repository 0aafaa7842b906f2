import Core

/// The study DSL (issue 6) lives here: a result builder whose components Core interprets.
public enum StudyDSL {}
