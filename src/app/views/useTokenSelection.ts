import { useState } from 'react';
import type { TokenRef } from './samples';

export interface TokenSelectionProps {
  /** Pass both to share one chosen token between the samples table and the embedding view. */
  selected?: TokenRef | null;
  onSelect?: (ref: TokenRef | null) => void;
}

/** Controlled when the parent passes `selected`, otherwise the component keeps its own choice. */
export function useTokenSelection({
  selected,
  onSelect,
}: TokenSelectionProps): [TokenRef | null, (ref: TokenRef | null) => void] {
  const [own, setOwn] = useState<TokenRef | null>(null);
  const controlled = selected !== undefined;
  return [
    controlled ? selected : own,
    (ref) => {
      if (!controlled) setOwn(ref);
      onSelect?.(ref);
    },
  ];
}
