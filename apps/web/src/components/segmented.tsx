/**
 * A radio group drawn as one row of buttons (styles.css `.segmented`), in place of a native select:
 * every option visible, one tap to choose, a fieldset with a legend for screen readers.
 */
export function Segmented<T extends string>({
  legend,
  name,
  options,
  value,
  onChange,
  describedBy,
}: {
  legend: string;
  name: string;
  options: readonly { value: T; label: string }[];
  value: T;
  onChange(value: T): void;
  describedBy?: string;
}) {
  return (
    <fieldset className="segmented" aria-describedby={describedBy}>
      <legend className="visually-hidden">{legend}</legend>
      {options.map((option) => (
        <label key={option.value}>
          <input
            type="radio"
            name={name}
            value={option.value}
            checked={value === option.value}
            onChange={() => onChange(option.value)}
          />
          {option.label}
        </label>
      ))}
    </fieldset>
  );
}
