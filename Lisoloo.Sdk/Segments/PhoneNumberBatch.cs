namespace Lisoloo.Sdk;

/// <summary>The outcome of <see cref="PhoneNumbers.NormalizeAll(IEnumerable{string})"/>.</summary>
public sealed record PhoneNumberBatch
{
    /// <summary>Creates a result.</summary>
    /// <param name="numbers">The distinct valid numbers, normalised, in first-seen order.</param>
    /// <param name="invalidIndexes">The zero-based indexes of the invalid inputs, ascending.</param>
    /// <param name="duplicatesRemoved">How many valid inputs were dropped as duplicates of an earlier one.</param>
    public PhoneNumberBatch(IReadOnlyList<string> numbers, IReadOnlyList<int> invalidIndexes, int duplicatesRemoved)
    {
        Numbers = Guard.NotNull(numbers);
        InvalidIndexes = Guard.NotNull(invalidIndexes);
        DuplicatesRemoved = duplicatesRemoved;
    }

    /// <summary>Gets the distinct valid numbers in E.164, in first-seen order.</summary>
    public IReadOnlyList<string> Numbers { get; }

    /// <summary>Gets the zero-based indexes of the inputs that are not valid numbers, ascending.</summary>
    public IReadOnlyList<int> InvalidIndexes { get; }

    /// <summary>Gets how many valid inputs were removed because they normalise to an earlier number.</summary>
    public int DuplicatesRemoved { get; }

    /// <summary>Gets a value indicating whether every input was a valid number.</summary>
    public bool AllValid => InvalidIndexes.Count == 0;
}
