// A labelled number input as the dataplane forms use it: the value stays the text typed, so an
// empty or half-typed number is the form's to validate, not this field's.

export interface NumberFieldProps {
  label: string;
  min: number;
  max: number;
  value: string;
  onChange: (value: string) => void;
  required?: boolean;
  placeholder?: string;
}

export function NumberField({ label, min, max, value, onChange, required, placeholder }: NumberFieldProps) {
  return (
    <label className="field">
      {label}
      <input
        type="number"
        min={min}
        max={max}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        required={required}
        placeholder={placeholder}
      />
    </label>
  );
}
