namespace SecureChat.Engine.Tests.History;

/// <summary>Searching the bytes of the history's files, as someone who copied them would.</summary>
internal static class HistoryScan
{
    /// <summary>The database and its side files that exist, read while SQLite may still have them open.</summary>
    public static IEnumerable<(string Path, byte[] Bytes)> Files(string databasePath) =>
        new[] { databasePath, databasePath + "-wal", databasePath + "-shm" }.Where(File.Exists).Select(p => (p, Read(p)));

    public static int Find(byte[] haystack, ReadOnlySpan<byte> needle) => haystack.AsSpan().IndexOf(needle);

    private static byte[] Read(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
