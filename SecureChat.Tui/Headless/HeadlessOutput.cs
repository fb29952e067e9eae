namespace SecureChat.Tui.Headless;

/// <summary>One line per event, written and flushed under a lock (events come from several network threads). Thread-safe.</summary>
internal sealed class HeadlessOutput(TextWriter output, TextWriter error)
{
    private readonly object _gate = new();

    public void Line(string text)
    {
        lock (_gate)
        {
            output.WriteLine(text);
            output.Flush();
        }
    }

    public void Error(string text)
    {
        lock (_gate)
        {
            error.WriteLine(text);
            error.Flush();
        }
    }
}
