namespace SecureChat.Engine.Session;

/// <summary>
/// Which of the last <see cref="Window"/> records this side sealed were chat messages (GroupMessage or GroupRelay), one
/// bit per record sequence number, so that a peer's Close (how many of our records it received) tells how many
/// messages never arrived. Fixed size whatever the traffic (512 bytes, allocated at the first message); a peer that missed more
/// than <see cref="Window"/> records is told of the messages among the last <see cref="Window"/> only.
/// Not thread-safe: used under the session's lock.
/// </summary>
internal sealed class SentChatRecords
{
    public const int Window = 4096;

    private ulong[]? _bits;

    /// <summary>The newest chat record's sequence number (valid once <see cref="_bits"/> exists).</summary>
    private ulong _newest;

    /// <summary>Record number <paramref name="sequence"/> (each later than the last) is a chat message.</summary>
    public void Add(ulong sequence)
    {
        if (_bits is null)
        {
            _bits = new ulong[Window / 64];
        }
        else
        {
            // The records between the last chat message and this one were not chat: clear their (reused) bits.
            ulong gap = sequence - _newest - 1;
            if (gap >= Window)
            {
                Array.Clear(_bits);
            }
            else
            {
                for (ulong s = _newest + 1; s < sequence; s++)
                {
                    Clear(s);
                }
            }
        }

        _bits[Index(sequence)] |= Mask(sequence);
        _newest = sequence;
    }

    /// <summary>How many chat records numbered <paramref name="from"/> or later are among the last <see cref="Window"/> sealed (<paramref name="sent"/> in all).</summary>
    public int CountFrom(ulong from, ulong sent)
    {
        if (_bits is null || from > _newest)
        {
            return 0;
        }

        ulong oldest = sent > Window ? sent - Window : 0;
        int count = 0;
        for (ulong s = Math.Max(from, oldest); s <= _newest; s++)
        {
            count += (_bits[Index(s)] & Mask(s)) != 0 ? 1 : 0;
        }

        return count;
    }

    private void Clear(ulong sequence) => _bits![Index(sequence)] &= ~Mask(sequence);

    private static int Index(ulong sequence) => (int)(sequence % Window / 64);

    private static ulong Mask(ulong sequence) => 1UL << (int)(sequence % 64);
}
