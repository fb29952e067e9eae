namespace SecureChat.Tui.Views;

/// <summary>How a line in the message pane is coloured.</summary>
internal enum EntryKind
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
