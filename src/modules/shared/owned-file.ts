/** First line of every file netfix owns: whoever opens it knows not to edit it by hand. */
export const netfixOwnedHeader = '# Managed by netfix: edits here are replaced on its next run.';
