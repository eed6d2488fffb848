namespace Sentiment;

/// <summary>
/// Generates review-like sentences whose sentiment depends on word order: negations ("not good") flip an opinion,
/// and in "X but Y" the clause after "but" decides, so "good but boring" is negative and "boring but good" positive.
/// A bag of words cannot tell these apart; a recurrent model that reads in order can.
/// </summary>
public static class Corpus
{
    private static readonly string[] Subjects = ["the movie", "this film", "the plot", "the acting", "the soundtrack", "the ending", "the cast", "the script", "the story", "the director's work", "the camera work", "the dialogue"];
    private static readonly string[] Verbs = ["was", "is", "felt", "seemed", "turned out to be", "looked"];
    private static readonly string[] Intensifiers = ["", "", "really", "very", "quite", "truly", "rather", "incredibly", "a bit"];
    private static readonly string[] Good = ["good", "great", "wonderful", "brilliant", "moving", "funny", "charming", "excellent", "gripping", "beautiful", "clever", "fresh", "delightful", "solid"];
    private static readonly string[] Bad = ["bad", "boring", "awful", "dull", "terrible", "weak", "predictable", "clumsy", "tedious", "bland", "messy", "forgettable", "painful", "lazy"];
    private static readonly string[] Negations = ["not", "never", "hardly", "not at all"];
    private static readonly string[] Openers = ["", "", "", "honestly", "overall", "i think", "to be fair", "in the end", "sadly", "frankly"];

    /// <summary><paramref name="count"/> sentences, about half positive, from a seeded generator.</summary>
    public static List<LabelledSentence> Generate(int count, int seed)
    {
        var random = new Random(seed);
        var rows = new List<LabelledSentence>(count);
        for (int i = 0; i < count; i++)
        {
            (string first, bool firstPositive) = Clause(random);
            string opener = Pick(random, Openers);
            string text;
            bool positive;
            switch (random.Next(3))
            {
                case 0:
                    text = first;
                    positive = firstPositive;
                    break;
                case 1:
                {
                    (string second, bool secondPositive) = Clause(random);
                    text = $"{first} but {second}";
                    positive = secondPositive; // the clause after "but" decides
                    break;
                }

                default:
                {
                    // "and" joins two clauses of the same sentiment.
                    (string second, bool secondPositive) = Clause(random);
                    while (secondPositive != firstPositive) (second, secondPositive) = Clause(random);
                    text = $"{first} and {second}";
                    positive = firstPositive;
                    break;
                }
            }

            rows.Add(new LabelledSentence(positive, (opener.Length > 0 ? opener + " " : "") + text));
        }

        return rows;
    }

    private static (string Text, bool Positive) Clause(Random random)
    {
        bool adjectivePositive = random.Next(2) == 0;
        bool negated = random.Next(3) == 0;
        string adjective = Pick(random, adjectivePositive ? Good : Bad);
        string intensifier = negated ? "" : Pick(random, Intensifiers);
        string negation = negated ? Pick(random, Negations) + " " : "";
        string text = $"{Pick(random, Subjects)} {Pick(random, Verbs)} {negation}{(intensifier.Length > 0 ? intensifier + " " : "")}{adjective}";
        return (text, adjectivePositive != negated);
    }

    private static string Pick(Random random, string[] options) => options[random.Next(options.Length)];
}
