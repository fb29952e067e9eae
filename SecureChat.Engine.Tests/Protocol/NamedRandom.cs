using System.Security.Cryptography;
using System.Text;
using SecureChat.Engine.Crypto;

namespace SecureChat.Engine.Tests.Protocol;

/// <summary>
/// Hands out, in order, the fixed value of each name (sized as the engine asks), and logs every draw; a draw
/// beyond the script, or a script not used up, is a change in the engine's order of draws and fails the test.
/// </summary>
internal sealed class NamedRandom(List<(string Name, byte[] Value)> log, params string[] names) : IRandomSource
{
    private readonly Queue<string> _names = new(names);

    public void Fill(Span<byte> destination)
    {
        _names.TryDequeue(out string? name).ShouldBeTrue("the engine drew more random values than the example names");
        byte[] value = Fixed(name!, destination.Length);
        log.Add((name!, value));
        value.CopyTo(destination);
    }

    public void ShouldBeUsedUp() => _names.ShouldBeEmpty("the engine drew fewer random values than the example names");

    /// <summary>The fixed value of <paramref name="name"/>: the first <paramref name="length"/> bytes of SHA-256("SecureChat v2 worked example " || name).</summary>
    internal static byte[] Fixed(string name, int length) =>
        SHA256.HashData(Encoding.ASCII.GetBytes("SecureChat v2 worked example " + name))[..length];
}
