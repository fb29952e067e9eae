namespace SecureChat.TestSupport;

/// <summary>Bounded polling for conditions raised on the engine's threads.</summary>
internal static class Eventually
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    public static async Task<T> Value<T>(Func<T?> probe, string what, TimeSpan? timeout = null)
        where T : class
    {
        DateTime deadline = DateTime.UtcNow + (timeout ?? DefaultTimeout);
        while (true)
        {
            if (probe() is { } value)
            {
                return value;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("timed out waiting for " + what);
            }

            await Task.Delay(20);
        }
    }

    public static async Task True(Func<bool> condition, string what, TimeSpan? timeout = null)
    {
        await Value(() => condition() ? "ok" : null, what, timeout);
    }
}
