import { useI18n } from 'vue-i18n';

/**
 * Business codes and names the API gives in one form (CONSUMER, "At Risk"), in the UI language;
 * an unknown one is shown as it comes rather than hidden.
 */
export function useWords() {
  const { t, te } = useI18n();
  const pick = (key: string, fallback: string) => (te(key) ? t(key) : fallback);
  return {
    /** A customer segment code (WHOLESALE, CONSUMER…). */
    segment: (code: string | null | undefined) =>
      code ? pick(`model.members.segment.segment.${code}`, code) : '—',
    /** An RFM segment name of the mining ("At Risk"). */
    rfm: (name: string | null | undefined) =>
      name ? pick(`mining.segmentNames.${name.replace(/[^A-Za-z]/g, '')}`, name) : '—',
  };
}
