using SecureChat.Engine.Identity;

namespace SecureChat.Tui.App;

/// <summary>
/// What the model keeps in the config directory: a client's rooms per server (<see cref="RoomsFile"/>, written on
/// each enter and leave) and the people ignored (<see cref="IgnoredFile"/>). A file that cannot be written is said in
/// one line; the chat goes on.
/// </summary>
internal sealed partial class ChatModel
{
    private readonly IgnoredFile? _ignoredFile;

    /// <summary>Where a client keeps its rooms per server; null: nowhere.</summary>
    public RoomsFile? RoomsFile { get; init; }

    /// <summary>Where the ignored identities are kept, read when set; null: nowhere (kept for this run only).</summary>
    public IgnoredFile? IgnoredFile
    {
        get => _ignoredFile;
        init
        {
            _ignoredFile = value;
            if (value is not null)
            {
                IReadOnlyList<string> ignored = value.Read();
                lock (_gate)
                {
                    _ignored.UnionWith(ignored);
                }
            }
        }
    }

    /// <summary>The rooms this side is in changed: a client keeps them for its server. Under the lock.</summary>
    private void RoomsChanged()
    {
        if (IsServer || RoomsFile is null || _links.Client?.Identity is not { } server)
        {
            return;
        }

        Write(() => RoomsFile.Save(server, _windows.Rooms.Select(r => r.Name)), RoomsFile.FileName);
    }

    /// <summary>The ignored identities changed. Under the lock.</summary>
    private void IgnoredChanged()
    {
        if (_ignoredFile is not { } file)
        {
            return;
        }

        Write(() => file.Save(_ignored.Order(StringComparer.Ordinal).Select(i => (i, _windows.NameOf(i)))), IgnoredFile.FileName);
    }

    private void Write(Action write, string file)
    {
        try
        {
            write();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ConfigFileException)
        {
            _view.Show(ChatLine.Error($"could not write {file} in the config directory: {e.Message}"));
        }
    }
}
