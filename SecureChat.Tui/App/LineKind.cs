namespace SecureChat.Tui.App;

/// <summary>What kind of line the model asks a view to show (the full screen colours each kind its own way).</summary>
internal enum LineKind
{
    /// <summary>A message someone else sent.</summary>
    Message,
    /// <summary>A message this side sent.</summary>
    Own,
    /// <summary>Joins, leaves, renames, rekeys, stage changes, command output.</summary>
    Notice,
    /// <summary>Failures and refused input.</summary>
    Error,
}
