namespace SecureChat.Tui.Views;

/// <summary>What the user sent, recalled with Up and Down like a shell. Bounded. Not thread-safe: UI thread only.</summary>
internal sealed class InputHistory(int capacity = 200)
{
    private readonly List<string> _sent = [];
    private int _position;
    private string _draft = string.Empty;

    /// <summary>What was sent, oldest first (newlines as the input line's mark).</summary>
    public IReadOnlyList<string> Lines => _sent;

    public void Add(string line)
    {
        if (line.Length > 0 && (_sent.Count == 0 || _sent[^1] != line))
        {
            _sent.Add(line);
            if (_sent.Count > capacity)
            {
                _sent.RemoveAt(0);
            }
        }

        _position = _sent.Count;
        _draft = string.Empty;
    }

    /// <summary>The previous line, or null at the oldest. <paramref name="current"/> is kept as the draft.</summary>
    public string? Previous(string current)
    {
        if (_position == 0)
        {
            return null;
        }

        if (_position == _sent.Count)
        {
            _draft = current;
        }

        return _sent[--_position];
    }

    /// <summary>The next line, the draft after the newest, or null when already at the draft.</summary>
    public string? Next()
    {
        if (_position >= _sent.Count)
        {
            return null;
        }

        _position++;
        return _position == _sent.Count ? _draft : _sent[_position];
    }
}
