using SecureChat.Engine.Transport;

namespace SecureChat.Engine.Tests.Transport;

/// <summary>A link's place in a <see cref="PartBudget"/>: closed, it gives back what it held, as a link's session end does.</summary>
internal sealed class PartHolder(string name) : IPartHolder
{
    public string Name { get; } = name;

    public PartBudget? Budget { get; set; }

    public long Holds { get; private set; }

    public string? ClosedFor { get; private set; }

    public void Hold(long bytes)
    {
        Holds += bytes;
        Budget!.Change(this, bytes);
    }

    public void DropForParts(string detail)
    {
        ClosedFor = detail;
        Budget!.Change(this, -Holds);
        Holds = 0;
    }

    public override string ToString() => Name;
}
